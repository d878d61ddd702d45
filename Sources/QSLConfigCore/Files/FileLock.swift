#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock (`flock`) on a lock file, so that concurrent processes updating the same
/// file serialise their read-modify-write cycles and none loses another's update.
public struct FileLock: ~Copyable {
    private let fd: Int32

    public enum Kind: Sendable {
        /// Many readers at once.
        case shared
        /// One writer, no readers.
        case exclusive
    }

    /// Blocks until the lock on `path` (created with mode 0600 when missing) is held.
    public init(path: String, kind: Kind) throws(Diagnostic) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Diagnostic(at: SourceLocation(file: path, line: 1, column: 1, offset: 0), "cannot open the lock file: \(String(cString: strerror(errno)))", rule: "io")
        }
        while flock(fd, kind == .shared ? LOCK_SH : LOCK_EX) != 0 {
            if errno == EINTR { continue }
            close(fd)
            throw Diagnostic(at: SourceLocation(file: path, line: 1, column: 1, offset: 0), "cannot lock the file: \(String(cString: strerror(errno)))", rule: "io")
        }
        self.fd = fd
    }

    /// Releases the lock now (it is also released when the value goes out of scope).
    public consuming func release() {}

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
