import Foundation
import QSLConfigCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A write killed between its temporary file and the rename leaves `.NAME.tmp-XXXXXX` behind,
/// possibly holding secrets; the next write to the same file removes it, and nothing else.
@Suite("AtomicFile sweeps stale temporary files")
struct AtomicFileTests {
    static func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes `text` to `path` and dates it `age` seconds back.
    static func leftover(_ path: String, age: TimeInterval, text: String = "Password=left-behind") throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    @Test("a stale, unlocked temporary file of the same destination is removed by the next write")
    func staleRemoved() throws {
        let directory = try Self.folder()
        let target = directory + "/store.json"
        let stale = directory + "/.store.json.tmp-AbC123"
        try Self.leftover(stale, age: 600)
        try AtomicFile.write(Array("{}\n".utf8), to: target, mode: 0o600)
        #expect(!Self.exists(stale), "the killed writer's temporary file is gone")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{}\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(left == ["store.json"], "the write leaves only its target: \(left)")
    }

    @Test("what is not a stale temporary file of this destination stays")
    func othersKept() throws {
        let directory = try Self.folder()
        let target = directory + "/store.json"
        let stale = directory + "/.store.json.tmp-Stale1"
        try Self.leftover(stale, age: 600)
        // Young: a writer may have just created it and not yet locked it.
        let young = directory + "/.store.json.tmp-Young1"
        try Self.leftover(young, age: 0)
        // Another destination's, and the temporary file of `store.json.tmp-x`, not of `store.json`.
        let otherName = directory + "/.other.json.tmp-Other1"
        try Self.leftover(otherName, age: 600)
        let longer = directory + "/.store.json.tmp-x.tmp-Long12"
        try Self.leftover(longer, age: 600)
        let suffixed = directory + "/.store.json.tmp-AbC123.bak"
        try Self.leftover(suffixed, age: 600)
        // A directory and a symbolic link by that name (the link's target is old too).
        let directoryNamed = directory + "/.store.json.tmp-Dir123"
        try FileManager.default.createDirectory(atPath: directoryNamed, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: directoryNamed)
        let linkTarget = directory + "/kept-target"
        try Self.leftover(linkTarget, age: 600)
        let link = directory + "/.store.json.tmp-Link12"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: linkTarget)
        var times = [timespec(tv_sec: time(nil) - 600, tv_nsec: 0), timespec(tv_sec: time(nil) - 600, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, link, &times, AT_SYMLINK_NOFOLLOW) == 0)

        try AtomicFile.write(Array("{}\n".utf8), to: target, mode: 0o600)
        #expect(!Self.exists(stale), "the control: a stale one in the same folder was removed")
        for path in [young, otherName, longer, suffixed, directoryNamed, link, linkTarget] {
            #expect(Self.exists(path), "\(path) stays")
        }
    }

    @Test("a temporary file a live writer holds locked stays, however old")
    func lockedKept() throws {
        let directory = try Self.folder()
        let target = directory + "/service.env"
        let held = directory + "/.service.env.tmp-Held12"
        try Self.leftover(held, age: 3600)
        let fd = open(held, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        try #require(flock(fd, LOCK_EX) == 0)
        try AtomicFile.write(Array("A=1\n".utf8), to: target, mode: 0o600)
        #expect(Self.exists(held), "locked by a writer that is still running")
        close(fd)
        try AtomicFile.write(Array("A=2\n".utf8), to: target, mode: 0o600)
        #expect(!Self.exists(held), "once its writer is gone, the next write removes it")
    }

    @Test("a temporary file owned by another user stays")
    func otherOwnerKept() throws {
        let directory = try Self.folder()
        let target = directory + "/store.json"
        let foreign = directory + "/.store.json.tmp-Other9"
        try Self.leftover(foreign, age: 600)
        // Only root can give a file away; elsewhere there is nothing to check.
        guard geteuid() == 0 else { return }
        try #require(chown(foreign, 65534, 65534) == 0)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: foreign)
        try AtomicFile.write(Array("{}\n".utf8), to: target, mode: 0o600)
        #expect(Self.exists(foreign))
    }

    @Test("sweepStaleTemporaries names what it removed, and a folder that cannot be read is no error")
    func sweepReports() throws {
        let directory = try Self.folder()
        try Self.leftover(directory + "/.a.json.tmp-Zz9Yy8", age: 600)
        #expect(AtomicFile.sweepStaleTemporaries(of: directory + "/a.json") == [".a.json.tmp-Zz9Yy8"])
        #expect(AtomicFile.sweepStaleTemporaries(of: directory + "/missing/a.json").isEmpty)
    }
}
