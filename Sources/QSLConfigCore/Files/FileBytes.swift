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
    /// anything is read, so a FIFO, socket or block device named by mistake is refused at once
    /// instead of hanging the reader. Character devices are read (`AWS_CONFIG_FILE=/dev/null`
    /// is an empty file, as for the AWS CLI), within `maxBytes`.
    ///
    /// - Parameters:
    ///   - allowsPipe: Accept a pipe (FIFO) as well, for values the user pipes in on purpose
    ///     (`--value-file <(cmd)`, `/dev/stdin`).
    /// - Throws: A ``Diagnostic`` naming the file: not found, not readable, a directory, a FIFO,
    ///   socket or block device, or too large.
    public static func read(_ path: String, displayName: String? = nil, maxBytes: Int = .max, allowsPipe: Bool = false) throws(Diagnostic) -> [UInt8] {
        let name = displayName ?? path
        func failure(_ message: String, rule: String = "io") -> Diagnostic {
            Diagnostic(at: SourceLocation(file: name, line: 1, column: 1, offset: 0), message, rule: rule)
        }
        // A pipe the caller accepts is opened the ordinary way, which waits for its writer;
        // anything else without blocking, so that a FIFO named by mistake cannot hang the read.
        var before = stat()
        let expectsPipe = allowsPipe && stat(path, &before) == 0 && before.st_mode & S_IFMT == S_IFIFO
        let fd = open(path, O_RDONLY | O_CLOEXEC | (expectsPipe ? 0 : O_NONBLOCK))
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
        if type != S_IFREG && type != S_IFCHR && !(allowsPipe && type == S_IFIFO) {
            throw failure("this is \(Self.describe(type)), not a regular file")
        }
        // Reads block from here: a pipe the caller accepts is read to its end. (O_NONBLOCK
        // changes nothing for a regular file, so only other files pay the two calls.)
        if type != S_IFREG {
            let flags = fcntl(fd, F_GETFL)
            if flags >= 0, flags & O_NONBLOCK != 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        }
        let size = Int(info.st_size)
        if size > maxBytes {
            throw failure("the file is \(size) bytes, above the limit of \(maxBytes) bytes", rule: "file-too-large")
        }
        // Read straight into an array of the size `fstat` gave plus one byte, so a regular
        // file's end shows in the same pass, without a zero-filled staging buffer or a copy.
        // What is left after that (a pipe, a character device, a file that grew meanwhile)
        // is read on in chunks.
        var readError: Int32 = 0
        var reachedEnd = false
        var bytes = [UInt8](unsafeUninitializedCapacity: min(size, maxBytes) + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                let got = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
                if got < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    return
                }
                if got == 0 {
                    reachedEnd = true
                    return
                }
                count += got
            }
        }
        if readError != 0 { throw failure("the file cannot be read: \(String(cString: strerror(readError)))") }
        if bytes.count > maxBytes {
            throw failure("the file is larger than the limit of \(maxBytes) bytes", rule: "file-too-large")
        }
        if !reachedEnd {
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

    /// The permission bits (`0o777` part of the mode) of the file `path` names, following
    /// symbolic links: what a rewrite of the file should keep. (A link's own bits are always
    /// `0o777`.) `nil` when it cannot be examined.
    public static func permissions(of path: String) -> UInt32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode) & 0o777
    }

    /// Whether a regular file exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether anything is at `path` (following links): a file, a folder, a FIFO, a socket or a
    /// device. Where a file is expected, such a thing is an error to name, not an absent file.
    public static func anythingExists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
