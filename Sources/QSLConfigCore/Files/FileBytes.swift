#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading whole files with POSIX calls, with errors that name the file.
public enum FileBytes {
    /// Reads `path` completely, refusing files larger than `maxBytes`.
    ///
    /// The file is opened without blocking (`O_NONBLOCK`) and examined with `fstat` before
    /// anything is read, so a FIFO or a device named by mistake is refused at once instead of
    /// hanging the reader.
    ///
    /// - Parameters:
    ///   - allowsNonRegularFile: Accept a pipe or character device as well (`--value-file <(cmd)`,
    ///     `/dev/stdin`); by default only a regular file is read.
    /// - Throws: A ``Diagnostic`` naming the file: not found, not readable, a directory or other
    ///   non-regular file, or too large.
    public static func read(_ path: String, displayName: String? = nil, maxBytes: Int = .max, allowsNonRegularFile: Bool = false) throws(Diagnostic) -> [UInt8] {
        let name = displayName ?? path
        func failure(_ message: String, rule: String = "io") -> Diagnostic {
            Diagnostic(at: SourceLocation(file: name, line: 1, column: 1, offset: 0), message, rule: rule)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw failure("the file does not exist")
            case ENOTDIR: throw failure("the file does not exist: a component of the path is not a directory")
            case EACCES: throw failure("permission denied reading the file")
            default: throw failure("the file cannot be opened: \(String(cString: strerror(code)))")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("the file cannot be examined: \(String(cString: strerror(errno)))") }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { throw failure("this is a directory, not a file") }
        if type != S_IFREG {
            guard allowsNonRegularFile, type == S_IFIFO || type == S_IFCHR else {
                throw failure("this is \(Self.describe(type)), not a regular file")
            }
        }
        // Reads block again from here (a pipe the caller asked for must be read to its end).
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        let size = Int(info.st_size)
        if size > maxBytes {
            throw failure("the file is \(size) bytes, above the limit of \(maxBytes) bytes", rule: "file-too-large")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("the file cannot be read: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[0..<got])
            if bytes.count > maxBytes {
                throw failure("the file is larger than the limit of \(maxBytes) bytes", rule: "file-too-large")
            }
        }
        return bytes
    }

    /// What kind of non-regular file an `S_IFMT` type is, for messages.
    static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        default: "a special file"
        }
    }

    /// Whether a regular file exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
