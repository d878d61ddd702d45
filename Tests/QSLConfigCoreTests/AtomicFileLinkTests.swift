import Foundation
import QSLConfigCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `AtomicFile.write` on a path that is a symbolic link: replaced by a regular file by default,
/// written at the link's target with `followingLinks`.
@Suite("AtomicFile and symbolic links")
struct AtomicFileLinkTests {
    static func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    @Test("followingLinks: the target is replaced, with the mode asked for, and the link stays")
    func followsLink() throws {
        let directory = try AtomicFileTests.folder()
        try FileManager.default.createDirectory(atPath: directory + "/real", withIntermediateDirectories: true)
        let target = directory + "/real/config.json"
        try Data("{\"old\":1}\n".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: directory + "/config.json", withDestinationPath: "real/config.json")

        try AtomicFile.write(Array("{\"new\":2}\n".utf8), to: directory + "/config.json", mode: 0o640, followingLinks: true)
        #expect(Self.isLink(directory + "/config.json"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{\"new\":2}\n")
        #expect(FileBytes.permissions(of: target) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/real") == ["config.json"], "the temporary file was beside the target")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["config.json", "real"])
    }

    @Test("without followingLinks the link itself is replaced by a regular file, and its old target is untouched")
    func replacesLinkByDefault() throws {
        let directory = try AtomicFileTests.folder()
        let target = directory + "/target.json"
        try Data("{\"old\":1}\n".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: directory + "/config.json", withDestinationPath: "target.json")

        try AtomicFile.write(Array("{\"new\":2}\n".utf8), to: directory + "/config.json", mode: 0o600)
        #expect(!Self.isLink(directory + "/config.json"))
        #expect(try String(contentsOfFile: directory + "/config.json", encoding: .utf8) == "{\"new\":2}\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{\"old\":1}\n")
    }

    @Test("followingLinks on a link to nothing: one error naming the path, and nothing written")
    func danglingLinkRefused() throws {
        let directory = try AtomicFileTests.folder()
        let link = directory + "/config.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "missing/config.json")

        let error = #expect(throws: Diagnostic.self) {
            try AtomicFile.write(Array("{}\n".utf8), to: link, mode: 0o600, followingLinks: true)
        }
        #expect(error?.description.contains(link) == true, "\(error?.description ?? "")")
        #expect(error?.message.contains("symbolic link") == true)
        #expect(Self.isLink(link), "the link is left as it was")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["config.json"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/missing"))
    }
}
