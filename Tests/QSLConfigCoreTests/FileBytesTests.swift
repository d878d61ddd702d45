import Foundation
import QSLConfigCore
import Testing

@Suite("reading input files")
struct FileBytesTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-filebytes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func message(_ path: String, allowsPipe: Bool = false) -> String? {
        do {
            _ = try FileBytes.read(path, allowsPipe: allowsPipe)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("permissions are the file's, through a symbolic link: a rewrite keeps 0640, never the link's 0777")
    func permissionsFollowLinks() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/appsettings.json"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("{}".utf8)))
        #expect(chmod(file, 0o640) == 0)
        #expect(symlink("appsettings.json", folder + "/linked.json") == 0)
        #expect(symlink("missing.json", folder + "/dangling.json") == 0)
        #expect(FileBytes.permissions(of: file) == 0o640)
        #expect(FileBytes.permissions(of: folder + "/linked.json") == 0o640)
        #expect(FileBytes.permissions(of: folder + "/dangling.json") == nil)
        #expect(FileBytes.permissions(of: folder + "/none.json") == nil)
    }

    @Test("a FIFO nobody writes to is refused at once, not waited on; a missing file and a folder are named as such")
    func nonRegularFiles() throws {
        let folder = try Self.folder()
        let fifo = folder + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(Self.message(fifo) == "this is a FIFO (named pipe), not a regular file")
        #expect(Self.message(folder + "/missing.env") == "the file does not exist")
        #expect(Self.message(folder) == "this is a directory, not a file")
        #expect(try FileBytes.read("/dev/null").isEmpty, "a character device such as /dev/null reads as before")
    }

    @Test("a pipe is read to its end when the caller allows one")
    func pipesWhenAllowed() throws {
        let folder = try Self.folder()
        let fifo = folder + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            // Blocks until the reader has the pipe open, as a shell's `<(cmd)` writer does.
            let fd = open(fifo, O_WRONLY)
            _ = "piped value".withCString { write(fd, $0, 11) }
            close(fd)
        }
        writer.start()
        let bytes = try FileBytes.read(fifo, allowsPipe: true)
        #expect(String(decoding: bytes, as: UTF8.self) == "piped value")
    }

    @Test("regular files of every size read byte for byte, up to and including the limit; one byte over it is refused")
    func sizesAndLimit() throws {
        let folder = try Self.folder()
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 4095, 4096, 65_535, 65_536, 65_537, 300_001] {
            let path = folder + "/file-\(size)"
            let content = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
            #expect(try FileBytes.read(path) == content, "size \(size)")
            #expect(try FileBytes.read(path, maxBytes: size) == content, "size \(size) at its limit")
            if size > 0 {
                #expect(Self.limitMessage(path, maxBytes: size - 1) == "the file is \(size) bytes, above the limit of \(size - 1) bytes")
            }
        }
    }

    @Test("a piped value larger than the first read is read whole, and refused once it passes the limit")
    func largePipe() throws {
        let folder = try Self.folder()
        // The over-limit case stops reading while the writer still writes: its write must fail
        // with EPIPE, not end the test process.
        signal(SIGPIPE, SIG_IGN)
        let content = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        for (limit, expected) in [(Int.max, true), (150_000, false)] {
            let fifo = folder + "/pipe-\(limit)"
            #expect(mkfifo(fifo, 0o600) == 0)
            let writer = Thread {
                let fd = open(fifo, O_WRONLY)
                _ = content.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
            writer.start()
            if expected {
                #expect(try FileBytes.read(fifo, maxBytes: limit, allowsPipe: true) == content)
            } else {
                #expect(Self.limitMessage(fifo, maxBytes: limit, allowsPipe: true) == "the file is larger than the limit of 150000 bytes")
            }
        }
    }

    static func limitMessage(_ path: String, maxBytes: Int, allowsPipe: Bool = false) -> String? {
        do {
            _ = try FileBytes.read(path, maxBytes: maxBytes, allowsPipe: allowsPipe)
            return nil
        } catch {
            return error.message
        }
    }
}
