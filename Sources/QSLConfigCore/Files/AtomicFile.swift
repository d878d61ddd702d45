#if canImport(Glibc)
import Glibc
#endif

/// Writing files so that a reader sees the old content or the new, never a mix, and a crash
/// never leaves a half-written file: write a temporary file beside the target with the final
/// mode, flush it to disk, rename it over the target, then flush the directory.
public enum AtomicFile {
    /// Replaces (or creates) `path` with `bytes`, created with `mode` (`0o600` for anything that
    /// holds a secret). The temporary file is created with that mode from the start, so the
    /// content is never readable by others, and it is removed if anything fails.
    ///
    /// - Throws: A ``Diagnostic`` naming the file.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(Diagnostic) {
        func failure(_ what: String) -> Diagnostic {
            Diagnostic(at: SourceLocation(file: path, line: 1, column: 1, offset: 0), "\(what): \(String(cString: strerror(errno)))", rule: "io")
        }
        let directory = parentDirectory(of: path)
        var template = Array((directory + "/." + baseName(of: path) + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure("cannot create a temporary file beside the target") }
        let temporary = String(cString: template)
        var committed = false
        defer {
            if !committed { unlink(temporary) }
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
        close(fd)
        guard rename(temporary, path) == 0 else { throw failure("cannot move the new file into place") }
        committed = true
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
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
