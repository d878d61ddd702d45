import Foundation
import QSLConfigAWS

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking HTTP/1.1 over POSIX sockets on loopback: just enough for the test servers, the
/// fault proxy and the moto readiness probe. One request per connection (`Connection: close`).
enum HTTPWire {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A parsed request or response head plus body.
    struct Message {
        var startLine: String
        var headers: AWSHTTPHeaders
        var body: [UInt8]
    }

    // MARK: Sockets

    /// Listens on `127.0.0.1`, or on `::1` when `ipv6`, at `port` (0: any free port).
    static func listenOnLoopback(port: UInt16 = 0, ipv6: Bool = false) throws -> (fd: Int32, port: Int) {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if ipv6 {
            var address = loopback6(port: port)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = loopback(port: port)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen on \(ipv6 ? "[::1]" : "127.0.0.1"):\(port) failed: errno \(errno)")
        }
        var actual = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        return (fd, Int(UInt16(bigEndian: actual.sin6_port)))
    }

    /// A free loopback port: bind to port 0, read the port, close. (Another process could take
    /// it before it is reused; on a test machine that race is acceptable.)
    static func freePort() throws -> Int {
        let (fd, port) = try listenOnLoopback()
        close(fd)
        return port
    }

    static func connectToLoopback(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var address = loopback(port: UInt16(port))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        setTimeout(fd, seconds: 60)
        return fd
    }

    static func setTimeout(_ fd: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func loopback6(port: UInt16) -> sockaddr_in6 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        address.sin6_addr = in6addr_loopback
        return address
    }

    /// Closes with SO_LINGER 0, so the peer sees a TCP reset rather than an orderly close.
    static func reset(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    // MARK: Reading messages

    /// Reads one request: head, then a `Content-Length` body. Answers `Expect: 100-continue`.
    static func readRequest(_ fd: Int32) throws -> Message {
        var buffer = [UInt8]()
        let headEnd = try readHead(fd, into: &buffer)
        var message = try parseHead(Array(buffer[..<headEnd]))
        var body = Array(buffer[(headEnd + 4)...])
        if message.headers["Expect"]?.lowercased() == "100-continue" {
            try writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let length = Int(message.headers["Content-Length"] ?? "0") ?? 0
        while body.count < length {
            let chunk = try readChunk(fd)
            if chunk.isEmpty { throw Failure(description: "connection closed inside the request body") }
            body += chunk
        }
        message.body = Array(body.prefix(length))
        return message
    }

    /// Reads one response to the end of the connection, decoding a chunked body.
    static func readResponse(_ fd: Int32) throws -> Message {
        var buffer = [UInt8]()
        let headEnd = try readHead(fd, into: &buffer)
        var message = try parseHead(Array(buffer[..<headEnd]))
        var rest = Array(buffer[(headEnd + 4)...])
        let length = message.headers["Content-Length"].flatMap { Int($0) }
        while length.map({ rest.count < $0 }) ?? true {
            let chunk = try readChunk(fd)
            if chunk.isEmpty { break }
            rest += chunk
        }
        if message.headers["Transfer-Encoding"]?.lowercased() == "chunked" {
            rest = try dechunk(rest)
            message.headers.remove(name: "Transfer-Encoding")
        }
        message.body = length.map { Array(rest.prefix($0)) } ?? rest
        return message
    }

    private static func readHead(_ fd: Int32, into buffer: inout [UInt8]) throws -> Int {
        while true {
            if let end = find(Array("\r\n\r\n".utf8), in: buffer) { return end }
            let chunk = try readChunk(fd)
            if chunk.isEmpty { throw Failure(description: "connection closed before the end of the HTTP head") }
            buffer += chunk
        }
    }

    private static func readChunk(_ fd: Int32) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw Failure(description: "recv failed: errno \(errno)") }
        return Array(chunk.prefix(count))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }

    private static func parseHead(_ bytes: [UInt8]) throws -> Message {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        guard let start = lines.first, !start.isEmpty else { throw Failure(description: "empty HTTP head") }
        var headers = AWSHTTPHeaders()
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Message(startLine: start, headers: headers, body: [])
    }

    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out = [UInt8]()
        var index = 0
        while index < bytes.count {
            guard let lineEnd = find(Array("\r\n".utf8), in: Array(bytes[index...])) else { break }
            let sizeText = String(decoding: bytes[index..<(index + lineEnd)], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw Failure(description: "bad chunk size")
            }
            index += lineEnd + 2
            if size == 0 { break }
            out += bytes[index..<min(index + size, bytes.count)]
            index += size + 2
        }
        return out
    }

    // MARK: Writing messages

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    /// The response's bytes, with `Content-Length: contentLength` (the body's size when `nil`;
    /// no `Content-Length` at all when `contentLength` is negative: the body ends at the close).
    static func encodeResponse(_ response: AWSHTTPResponse, contentLength: Int? = nil) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
        for field in response.headers {
            let name = field.name.lowercased()
            if name == "content-length" || name == "connection" || name == "transfer-encoding" { continue }
            head += "\(field.name): \(field.value)\r\n"
        }
        let length = contentLength ?? response.body.count
        if length >= 0 { head += "Content-Length: \(length)\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + response.body
    }

    static func encodeRequest(method: String, target: String, headers: AWSHTTPHeaders, body: [UInt8]) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\n"
        for field in headers {
            let name = field.name.lowercased()
            if name == "content-length" || name == "connection" || name == "expect" || name == "transfer-encoding" { continue }
            head += "\(field.name): \(field.value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// One request/response exchange with `127.0.0.1:port`.
    static func exchange(port: Int, method: String, target: String, headers: AWSHTTPHeaders, body: [UInt8]) throws -> AWSHTTPResponse {
        let fd = try connectToLoopback(port: port)
        defer { close(fd) }
        try writeAll(fd, encodeRequest(method: method, target: target, headers: headers, body: body))
        let message = try readResponse(fd)
        let parts = message.startLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failure(description: "bad status line `\(message.startLine)`")
        }
        return AWSHTTPResponse(status: status, headers: message.headers, body: message.body)
    }
}
