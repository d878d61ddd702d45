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
}
