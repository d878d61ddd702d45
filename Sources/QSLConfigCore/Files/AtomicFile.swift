#if canImport(Glibc)
import Glibc
#endif

/// Writing files so that a reader sees the old content or the new, never a mix, and a crash
/// never leaves a half-written file: write a temporary file beside the target with the final
/// mode, flush it to disk, rename it over the target, then flush the directory.
///
/// A writer killed between creating its temporary file (`.NAME.tmp-XXXXXX`) and the rename
/// leaves that file behind, possibly full of secrets. So every write first sweeps the stale
/// temporary files of the same destination. A writer holds an exclusive `flock` on its
/// temporary file from just after creating it until after the rename, so the rule is: remove a
/// `.NAME.tmp-XXXXXX` sibling (six `mkstemp` characters, nothing else) only when it is a regular
/// file (not followed if a symbolic link), owned by this user, last modified more than
/// ``staleAfterSeconds`` ago, and not locked (a non-blocking `flock` succeeds). The age covers
/// the instant between `mkstemp` and `flock`, and writers of older versions that did not lock;
/// the lock covers a live writer however long it takes. The file removed is the one checked
/// (same device and inode). Sweeping is best effort: a file it cannot check is left alone and
/// never fails the write.
public enum AtomicFile {
    /// How old an unlocked temporary file must be before a later write removes it.
    public static let staleAfterSeconds = 60
    /// Replaces (or creates) `path` with `bytes`, created with `mode` (`0o600` for anything that
    /// holds a secret). The temporary file is created with that mode from the start, so the
    /// content is never readable by others, and it is removed if anything fails.
    ///
    /// A `path` that is a symbolic link is itself replaced by a regular file unless
    /// `followingLinks` is set. With it, the file the link leads to is replaced (its own folder
    /// holds the temporary file) and the link stays: the choice for a user's own file reached
    /// through a link, whose old content must not survive at the link's target. A link to
    /// nothing is then an error, and nothing is written.
    ///
    /// - Throws: A ``Diagnostic`` naming the file.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, followingLinks: Bool = false) throws(Diagnostic) {
        if followingLinks, isSymbolicLink(path) {
            guard let resolved = realPath(path) else {
                throw Diagnostic(
                    at: SourceLocation(file: path, line: 1, column: 1, offset: 0),
                    "is a symbolic link whose target cannot be reached (\(String(cString: strerror(errno)))); nothing was written", rule: "io")
            }
            return try write(bytes, to: resolved, mode: mode)
        }
        func failure(_ what: String) -> Diagnostic {
            Diagnostic(at: SourceLocation(file: path, line: 1, column: 1, offset: 0), "\(what): \(String(cString: strerror(errno)))", rule: "io")
        }
        let directory = parentDirectory(of: path)
        sweepStaleTemporaries(of: path)
        var template = Array((directory + "/." + baseName(of: path) + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure("cannot create a temporary file beside the target") }
        let temporary = String(cString: template)
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        // Held until after the rename (closing the descriptor releases it): a sweep by another
        // writer leaves this file alone however long the write takes.
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            close(fd)
            throw failure("cannot lock the temporary file")
        }
        guard fchmod(fd, mode) == 0 else {
            close(fd)
            throw failure("cannot set the file mode")
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                close(fd)
                throw failure("cannot write the file")
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw failure("cannot flush the file to disk")
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot move the new file into place")
            close(fd)
            throw error
        }
        committed = true
        close(fd)
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Removes the stale temporary files an interrupted write to `path` left beside it, by the
    /// rule in the type's documentation; returns the names removed. Never throws: what cannot be
    /// checked or removed stays.
    @discardableResult
    public static func sweepStaleTemporaries(of path: String) -> [String] {
        let now = time(nil)
        let directory = parentDirectory(of: path)
        let prefix = "." + baseName(of: path) + ".tmp-"
        guard let stream = opendir(directory) else { return [] }
        var candidates: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix) else { continue }
            let suffix = name.utf8.dropFirst(prefix.utf8.count)
            // mkstemp's six characters, and nothing more: `.a.tmp-x.tmp-XXXXXX` belongs to `a.tmp-x`.
            guard suffix.count == 6, suffix.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else { continue }
            candidates.append(name)
        }
        closedir(stream)

        var removed: [String] = []
        for name in candidates {
            let candidate = directory + "/" + name
            var before = stat()
            guard lstat(candidate, &before) == 0, before.st_mode & S_IFMT == S_IFREG, before.st_uid == geteuid(),
                now - before.st_mtim.tv_sec > staleAfterSeconds
            else { continue }
            let fd = open(candidate, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            // Locked: a live writer is still using it.
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            var opened = stat()
            var current = stat()
            guard fstat(fd, &opened) == 0, opened.st_dev == before.st_dev, opened.st_ino == before.st_ino,
                lstat(candidate, &current) == 0, current.st_dev == opened.st_dev, current.st_ino == opened.st_ino
            else { continue }
            if unlink(candidate) == 0 { removed.append(name) }
        }
        return removed
    }

    /// Creates `path` and its parents as directories (mode `0o700` by default) when missing.
    public static func createDirectory(_ path: String, mode: mode_t = 0o700) throws(Diagnostic) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw Diagnostic(at: SourceLocation(file: path, line: 1, column: 1, offset: 0), "cannot create the directory: \(String(cString: strerror(errno)))", rule: "io")
            }
        }
    }

    /// Whether `path` is a symbolic link (to anything, or to nothing).
    public static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// `path` with every symbolic link, `.` and `..` resolved, as an absolute path (`realpath(3)`;
    /// an empty path is the current folder); `nil` when it leads to nothing, `errno` saying why.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path.isEmpty ? "." : path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The folder part of `path` (`.` for a bare file name).
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
