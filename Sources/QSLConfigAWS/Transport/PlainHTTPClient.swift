#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore
import Synchronization

#if canImport(Glibc)
import Glibc
private let systemSocket = Glibc.socket
private let systemSend = Glibc.send
private let systemClose = Glibc.close
private let systemConnect = Glibc.connect
#elseif canImport(Musl)
import Musl
private let systemSocket = Musl.socket
private let systemSend = Musl.send
private let systemClose = Musl.close
private let systemConnect = Musl.connect
#elseif canImport(Darwin)
import Darwin
private let systemSocket = Darwin.socket
private let systemSend = Darwin.send
private let systemClose = Darwin.close
private let systemConnect = Darwin.connect
#endif

/// Plain-HTTP/1.1 exchanges over a POSIX socket, for what `URLSession` on Linux does badly:
///
/// - IPv6 literal hosts (`http://[::1]:4566`, `http://[fd00:ec2::23]/v1/credentials`,
///   `http://[fd00:ec2::254]`): swift-corelibs-foundation refuses them with `NSURLErrorBadURL`
///   (-1000), comparing libcurl's bracketed host with `URL.host`'s bare one
///   (swiftlang/swift-corelibs-foundation#5496).
/// - Waiting without burning a core: corelibs keeps the libdispatch write source it made for
///   libcurl while the request went out, so the always-writable socket wakes its queue in a loop
///   until the response arrives. The metadata transport sends every plain-HTTP request (instance
///   metadata, container credentials) here for that reason.
///
/// Plain HTTP is only ever allowed to loopback and the link-local ECS, EKS and EC2 metadata
/// hosts; `https://` goes to libcurl (``CurlTransport``).
///
/// The same limits as ``CurlTransport``: one deadline for the whole exchange (name
/// resolution excepted: `getaddrinfo` cannot be bounded, and these hosts are addresses or
/// `localhost`), and a body cap. One request per connection (`Connection: close`); the socket is
/// non-blocking and every wait is a `poll` bounded by the deadline, woken every 100 ms to notice
/// cancellation.
package enum PlainHTTPClient {
    /// The most a response head may take.
    static let maxHeadBytes = 64 << 10

    /// Whether `request` is plain HTTP to an IPv6 literal, which `URLSession` cannot send.
    package static func isIPv6Literal(_ request: AWSHTTPRequest) -> Bool {
        request.scheme == "http" && request.host.contains(":")
    }

    /// Sends `request` on a thread of its own and waits for the response without blocking the
    /// caller's thread.
    package static func send(
        _ request: AWSHTTPRequest, deadline: Duration, idle: Duration, maxResponseBytes: Int
    ) async throws -> AWSHTTPResponse {
        let cancelled = CancelFlag()
        return try await withTaskCancellationHandler {
            let until = ContinuousClock.now + deadline
            do {
                return try await BlockingThread.run {
                    try exchange(request, until: until, deadline: deadline, idle: idle, maxResponseBytes: maxResponseBytes, cancelled: cancelled)
                }
            } catch let error as BlockingThread.StartError {
                throw AWSTransportError(kind: .connectionFailed, host: request.hostHeader, reason: error.description)
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Set when the calling task is cancelled; the exchange's thread checks it between waits.
    final class CancelFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .relaxed) }
        func set() { flag.store(true, ordering: .relaxed) }
    }

    private enum Failure: Error {
        case timedOut, idle, cancelled, tooLarge, closed(String), system(String)
    }

    private static func exchange(
        _ request: AWSHTTPRequest, until: ContinuousClock.Instant, deadline: Duration, idle: Duration, maxResponseBytes: Int,
        cancelled: CancelFlag
    ) throws -> AWSHTTPResponse {
        let host = request.hostHeader
        do {
            let socket = try connect(to: request.host, port: request.port ?? 80, until: until, idle: idle, cancelled: cancelled)
            defer { socket.close() }
            try socket.writeAll(encode(request), until: until, cancelled: cancelled)
            return try readResponse(socket, until: until, maxResponseBytes: maxResponseBytes, cancelled: cancelled)
        } catch let failure as Failure {
            switch failure {
            case .cancelled:
                throw CancellationError()
            case .timedOut:
                throw AWSTransportError(kind: .timedOut, host: host, reason: "no complete response within the \(deadline) deadline for the whole exchange")
            case .idle:
                throw AWSTransportError(kind: .timedOut, host: host, reason: "no byte sent or received for \(idle)")
            case .tooLarge:
                throw AWSTransportError(
                    kind: .responseTooLarge, host: host, reason: "the body exceeded the limit of \(maxResponseBytes) bytes and was abandoned")
            case .closed(let reason), .system(let reason):
                throw AWSTransportError(kind: .connectionFailed, host: host, reason: reason)
            }
        }
    }

    /// Connects to the first address of `host` that answers.
    private static func connect(
        to host: String, port: Int, until: ContinuousClock.Instant, idle: Duration, cancelled: CancelFlag
    ) throws -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure.system("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var lastFailure = Failure.system("no address for \(host)")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            do {
                return try Socket(address: current.pointee, until: until, idle: idle, cancelled: cancelled)
            } catch Failure.system(let reason) {
                lastFailure = .system(reason)
            }
            entry = current.pointee.ai_next
        }
        throw lastFailure
    }

    static func encode(_ request: AWSHTTPRequest) -> [UInt8] {
        let target = SigV4Encoding.encodePath(request.path) + (request.query.isEmpty ? "" : "?" + request.query)
        var head = "\(request.method) \(target) HTTP/1.1\r\n"
        var hasHost = false
        for field in request.headers {
            let name = field.name.lowercased()
            if name == "content-length" || name == "connection" || name == "transfer-encoding" { continue }
            if name == "host" { hasHost = true }
            head += "\(field.name): \(field.value)\r\n"
        }
        if !hasHost { head += "Host: \(request.hostHeader)\r\n" }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            head += "Content-Length: \(request.body.count)\r\n"
        }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + request.body
    }

    /// Reads the head, then the body: `Content-Length` bytes, chunks, or everything to the close.
    private static func readResponse(
        _ socket: Socket, until: ContinuousClock.Instant, maxResponseBytes: Int, cancelled: CancelFlag
    ) throws -> AWSHTTPResponse {
        var buffer: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard let chunk = try socket.read(until: until, cancelled: cancelled) else {
                throw Failure.closed("the connection closed before the end of the response head")
            }
            let searchFrom = max(0, buffer.count - 3)
            buffer += chunk
            headEnd = find([13, 10, 13, 10], in: buffer, from: searchFrom)
            if headEnd == nil && buffer.count > maxHeadBytes { throw Failure.tooLarge }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure.closed("the response did not start with an HTTP/1.x status line")
        }
        var headers = AWSHTTPHeaders()
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingWhitespace())
        }
        var body = Array(buffer[(headEnd! + 4)...])
        let chunked = headers["Transfer-Encoding"]?.lowercased().contains("chunked") ?? false
        if !chunked, let lengthText = headers["Content-Length"] {
            guard let length = Int(lengthText.trimmingWhitespace()), length >= 0 else {
                throw Failure.closed("the Content-Length `\(lengthText)` is not a number")
            }
            guard length <= maxResponseBytes else { throw Failure.tooLarge }
            while body.count < length {
                guard let chunk = try socket.read(until: until, cancelled: cancelled) else {
                    throw Failure.closed("the connection closed \(length - body.count) bytes before the end of the body")
                }
                body += chunk
            }
            body.removeSubrange(length...)
        } else {
            // Chunked or delimited by the close: read to the end (the request said Connection: close).
            let limit = chunked ? maxResponseBytes + maxResponseBytes / 8 + 1024 : maxResponseBytes
            while let chunk = try socket.read(until: until, cancelled: cancelled) {
                body += chunk
                if body.count > limit { throw Failure.tooLarge }
            }
            if chunked {
                body = try dechunk(body)
                if body.count > maxResponseBytes { throw Failure.tooLarge }
                headers.remove(name: "Transfer-Encoding")
            }
        }
        return AWSHTTPResponse(status: status, headers: headers, body: body)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }

    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: index) else { throw Failure.closed("the chunked body ended early") }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingWhitespace(), radix: 16), size >= 0 else {
                throw Failure.closed("a chunk size was not a hexadecimal number")
            }
            index = lineEnd + 2
            if size == 0 { return out }
            guard index + size <= bytes.count else { throw Failure.closed("the chunked body ended early") }
            out += bytes[index..<(index + size)]
            index += size + 2
        }
    }

    /// A non-blocking TCP socket whose every wait is bounded by the deadline and by the idle
    /// timeout (the longest a wait for one more byte, or for the connection, may take).
    private struct Socket {
        let fd: Int32
        let idle: Duration

        init(address: addrinfo, until: ContinuousClock.Instant, idle: Duration, cancelled: CancelFlag) throws {
            let fd = systemSocket(address.ai_family, address.ai_socktype, address.ai_protocol)
            guard fd >= 0 else { throw Failure.system("socket: \(String(cString: strerror(errno)))") }
            self.fd = fd
            self.idle = idle
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let result = systemConnect(fd, address.ai_addr, address.ai_addrlen)
            if result != 0 {
                guard errno == EINPROGRESS else {
                    let reason = String(cString: strerror(errno))
                    close()
                    throw Failure.system("connect: \(reason)")
                }
                do {
                    try wait(for: Int16(POLLOUT), until: until, cancelled: cancelled)
                } catch {
                    close()
                    throw error
                }
                var code: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
                guard code == 0 else {
                    close()
                    throw Failure.system("connect: \(String(cString: strerror(code)))")
                }
            }
        }

        func close() {
            _ = systemClose(fd)
        }

        /// Waits for `events`, 100 ms at a time so cancellation is noticed, until the deadline or
        /// the idle timeout.
        func wait(for events: Int16, until: ContinuousClock.Instant, cancelled: CancelFlag) throws {
            let idleUntil = ContinuousClock.now + idle
            let limit = min(until, idleUntil)
            while true {
                if cancelled.isSet { throw Failure.cancelled }
                let remaining = ContinuousClock.now.duration(to: limit)
                guard remaining > .zero else { throw idleUntil < until ? Failure.idle : Failure.timedOut }
                let (seconds, attoseconds) = min(remaining, .milliseconds(100)).components
                var descriptor = pollfd(fd: fd, events: events, revents: 0)
                let ready = poll(&descriptor, 1, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
                if ready > 0 { return }
                if ready < 0 && errno != EINTR { throw Failure.system("poll: \(String(cString: strerror(errno)))") }
            }
        }

        func writeAll(_ bytes: [UInt8], until: ContinuousClock.Instant, cancelled: CancelFlag) throws {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { systemSend(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent > 0 {
                    offset += sent
                } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    try wait(for: Int16(POLLOUT), until: until, cancelled: cancelled)
                } else {
                    throw Failure.closed("send: \(String(cString: strerror(errno)))")
                }
            }
        }

        /// The next bytes, or `nil` at the end of the stream.
        func read(until: ContinuousClock.Instant, cancelled: CancelFlag) throws -> [UInt8]? {
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 { return Array(chunk[..<count]) }
                if count == 0 { return nil }
                guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                    throw Failure.closed("recv: \(String(cString: strerror(errno)))")
                }
                try wait(for: Int16(POLLIN), until: until, cancelled: cancelled)
            }
        }
    }
}
