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
    /// - Throws: A ``Diagnostic`` naming the file: not found, not readable, a directory, or too large.
    public static func read(_ path: String, displayName: String? = nil, maxBytes: Int = .max) throws(Diagnostic) -> [UInt8] {
        let name = displayName ?? path
        func failure(_ message: String, rule: String = "io") -> Diagnostic {
            Diagnostic(at: SourceLocation(file: name, line: 1, column: 1, offset: 0), message, rule: rule)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw failure("the file does not exist")
            case EACCES: throw failure("permission denied reading the file")
            default: throw failure("the file cannot be opened: \(String(cString: strerror(code)))")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("the file cannot be examined: \(String(cString: strerror(errno)))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw failure("this is a directory, not a file") }
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

    /// Whether a regular file exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
