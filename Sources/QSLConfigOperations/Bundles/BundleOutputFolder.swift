#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The output folder of a bundle run and the service folders inside it, as the file system
/// has them: what kind of entry each is (a symbolic link is never written or deleted through),
/// their modes, and the temporary files an interrupted run left.
///
/// A run is not one atomic swap: each file is replaced atomically (temporary file, `fsync`,
/// `rename`) and the manifest is written last. A run killed part-way can leave some services
/// new and others old, and temporary files (`.NAME.tmp-XXXXXX`, possibly full of secrets) that
/// were never renamed. So the next run removes every such leftover before it writes, under an
/// exclusive lock on the output folder that concurrent runs share, and `--check` reports them.
struct BundleOutputFolder {
    let path: String

    /// What is at a path, without following a final symbolic link.
    enum EntryKind: Equatable {
        case missing
        case directory(mode: UInt32)
        case symbolicLink
        case other
    }

    static func kind(of path: String) -> EntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory(mode: UInt32(info.st_mode) & 0o777)
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// The service folders (first path components) of `files`, sorted.
    static func serviceFolders(of files: [String]) -> [String] {
        Set(files.compactMap { path -> String? in
            guard let slash = path.firstIndex(of: "/") else { return nil }
            return String(path[..<slash])
        }).sorted()
    }

    /// Whether `name` is a temporary file `AtomicFile` creates: `.NAME.tmp-` and six `mkstemp`
    /// characters.
    static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.lastRange(ofLiteral: ".tmp-"), marker.lowerBound > name.index(after: name.startIndex) else {
            return false
        }
        let suffix = name[marker.upperBound...].utf8
        return suffix.count == 6 && suffix.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// Leftover temporary files, relative to the output folder: in the folder itself and in the
    /// service folders named (only real folders are looked into). Regular files only.
    func leftovers(services: [String]) -> [String] {
        var found: [String] = []
        for relative in [""] + services {
            let folder = relative.isEmpty ? path : PlatformRoot.join(path, relative)
            if !relative.isEmpty {
                guard case .directory = Self.kind(of: folder) else { continue }
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where Self.isTemporaryName(name) {
                var info = stat()
                let file = folder + "/" + name
                guard lstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
                found.append(relative.isEmpty ? name : relative + "/" + name)
            }
        }
        return found.sorted()
    }

    /// Holds an exclusive `flock` on the output folder while it lives, so two runs writing the
    /// same folder take turns and a sweep never removes a live run's temporary file.
    final class Lock {
        private let fd: Int32
        init(_ folder: String) throws(Diagnostic) {
            fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                throw Diagnostic(at: SourceLocation(file: folder, line: 1, column: 1, offset: 0), "cannot open the output folder: \(String(cString: strerror(errno)))", rule: "io")
            }
            while flock(fd, LOCK_EX) != 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw Diagnostic(at: SourceLocation(file: folder, line: 1, column: 1, offset: 0), "cannot lock the output folder: \(reason)", rule: "io")
            }
        }
        deinit { close(fd) }
    }

    /// Makes the output folder and each service folder a real folder: creates the missing ones
    /// with `mode`, with `enforcingMode` sets the mode of existing ones too (a folder left at
    /// 0755 by an earlier run or by hand is made 0700 when the bundle holds values), and
    /// refuses a service folder that is a symbolic link or not a folder, since writing or
    /// deleting through it would act elsewhere.
    func prepare(services: [String], mode: mode_t, enforcingMode: Bool) throws(Diagnostic) {
        try AtomicFile.createDirectory(path, mode: mode)
        if enforcingMode, chmod(path, mode) != 0 { throw failure(path, "cannot set the output folder's mode") }
        for service in services {
            let folder = PlatformRoot.join(path, service)
            switch Self.kind(of: folder) {
            case .missing:
                guard mkdir(folder, mode) == 0 || errno == EEXIST else { throw failure(folder, "cannot create the service folder") }
                guard case .directory = Self.kind(of: folder) else { throw notAFolder(folder) }
                guard chmod(folder, mode) == 0 else { throw failure(folder, "cannot set the service folder's mode") }
            case .directory(let current):
                if enforcingMode, current != UInt32(mode), chmod(folder, mode) != 0 { throw failure(folder, "cannot set the service folder's mode") }
            case .symbolicLink, .other:
                throw notAFolder(folder)
            }
        }
    }

    /// Removes the leftover temporary files of interrupted runs; returns them.
    @discardableResult
    func sweepLeftovers(services: [String]) throws(Diagnostic) -> [String] {
        let found = leftovers(services: services)
        for relative in found {
            let file = PlatformRoot.join(path, relative)
            if unlink(file) != 0, errno != ENOENT { throw failure(file, "cannot remove this temporary file an interrupted run left") }
        }
        return found
    }

    /// Removes files the bundle no longer has, never through a service folder that is a link.
    func remove(_ stale: [String]) throws(Diagnostic) {
        for relative in stale {
            let file = PlatformRoot.join(path, relative)
            if let slash = relative.firstIndex(of: "/") {
                let folder = PlatformRoot.join(path, String(relative[..<slash]))
                switch Self.kind(of: folder) {
                case .missing: continue
                case .directory: break
                case .symbolicLink, .other: throw notAFolder(folder)
                }
            }
            if unlink(file) != 0, errno != ENOENT {
                throw failure(file, "cannot remove this file, which the bundle no longer has; remove it by hand")
            }
        }
    }

    private func failure(_ file: String, _ what: String) -> Diagnostic {
        Diagnostic(at: SourceLocation(file: file, line: 1, column: 1, offset: 0), "\(what): \(String(cString: strerror(errno)))", rule: "io")
    }

    private func notAFolder(_ folder: String) -> Diagnostic {
        Diagnostic(
            at: SourceLocation(file: folder, line: 1, column: 1, offset: 0),
            "this service folder is a symbolic link or not a folder; a bundle neither writes nor deletes through it: remove it, then run again",
            rule: "output")
    }
}
