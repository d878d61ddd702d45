import Foundation
import QSLConfigAWS
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on `127.0.0.1` (or `::1`) and a free port, for tests: container and
/// instance metadata credential endpoints, misbehaving servers, and the base of
/// ``FaultInjectingProxy``.
///
/// Each connection is served on its own thread by `handler`, whose ``Reply`` may also reset
/// the connection, stall, trickle, send a body that never ends or one shorter than it declares.
/// Every request is recorded.
///
/// ```swift
/// let server = try LocalHTTPServer { request in
///     .response(AWSHTTPResponse(status: 200, body: Array("ok".utf8)))
/// }
/// defer { server.stop() }
/// ```
public final class LocalHTTPServer: Sendable {
    /// A request as received.
    public struct Request: Sendable, Hashable {
        public var method: String
        /// The request target: path and query, as sent.
        public var target: String
        public var headers: AWSHTTPHeaders
        public var body: [UInt8]

        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    /// What to do with a request.
    public enum Reply: Sendable {
        case response(AWSHTTPResponse)
        /// Close the connection with a TCP reset, sending nothing.
        case reset
        /// Hold the connection open without answering for this long, then close it.
        case stall(Duration)
        /// Send the response (head included) one byte at a time, one every `every`, until it is
        /// all sent, the client hangs up or the server stops.
        case trickle(AWSHTTPResponse, every: Duration)
        /// Send a head without `Content-Length`, then body bytes as fast as the client reads
        /// them until it hangs up (or `limit` bytes have gone): a response that never ends.
        case endless(status: Int, limit: Int)
        /// Send the head with `Content-Length: declaredLength`, then the (shorter) body, then close.
        case truncated(AWSHTTPResponse, declaredLength: Int)
    }

    public let port: Int
    /// Whether the server listens on `::1` rather than `127.0.0.1`.
    public let isIPv6: Bool
    private let shared: Shared

    private final class Shared: Sendable {
        let stopped = Atomic<Bool>(false)
        let requests = Mutex<[Request]>([])
        let hangUps = Mutex<[Duration]>([])
        let handler: @Sendable (Request) -> Reply
        init(handler: @escaping @Sendable (Request) -> Reply) { self.handler = handler }
    }

    /// Starts listening at once, on `::1` when `ipv6`, else on `127.0.0.1`.
    public init(ipv6: Bool = false, handler: @escaping @Sendable (Request) -> Reply) throws {
        let (listener, port) = try HTTPWire.listenOnLoopback(ipv6: ipv6)
        self.port = port
        self.isIPv6 = ipv6
        let shared = Shared(handler: handler)
        self.shared = shared
        let thread = Thread { Self.acceptLoop(listener: listener, shared: shared) }
        thread.name = "LocalHTTPServer:\(port)"
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`, or `http://[::1]:PORT`.
    public var baseURL: String { isIPv6 ? "http://[::1]:\(port)" : "http://127.0.0.1:\(port)" }

    /// Every request received so far, in arrival order.
    public var requests: [Request] { shared.requests.withLock { $0 } }

    /// For each `.trickle` or `.endless` reply the client gave up on: how long after the reply
    /// began the server found the connection gone. Measured on the server's own thread, so it
    /// shows when the client let go even if the test that awaits the client is slow to resume.
    public var hangUps: [Duration] { shared.hangUps.withLock { $0 } }

    /// Stops accepting connections (the listener closes within 100 ms).
    public func stop() {
        shared.stopped.store(true, ordering: .relaxed)
    }

    private static func acceptLoop(listener: Int32, shared: Shared) {
        defer { close(listener) }
        while !shared.stopped.load(ordering: .relaxed) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            Thread { serve(connection, shared: shared) }.start()
        }
    }

    private static func serve(_ fd: Int32, shared: Shared) {
        HTTPWire.setTimeout(fd, seconds: 60)
        guard let message = try? HTTPWire.readRequest(fd) else {
            close(fd)
            return
        }
        let parts = message.startLine.split(separator: " ")
        let request = Request(
            method: parts.first.map(String.init) ?? "",
            target: parts.count > 1 ? String(parts[1]) : "/",
            headers: message.headers,
            body: message.body)
        shared.requests.withLock { $0.append(request) }
        switch shared.handler(request) {
        case .response(let response):
            try? HTTPWire.writeAll(fd, HTTPWire.encodeResponse(response))
            shutdown(fd, Int32(SHUT_WR))
            close(fd)
        case .reset:
            HTTPWire.reset(fd)
        case .stall(let duration):
            Thread.sleep(forTimeInterval: seconds(duration))
            close(fd)
        case .trickle(let response, let interval):
            let start = ContinuousClock.now
            for byte in HTTPWire.encodeResponse(response) {
                guard !shared.stopped.load(ordering: .relaxed) else { break }
                guard (try? HTTPWire.writeAll(fd, [byte])) != nil else {
                    shared.hangUps.withLock { $0.append(start.duration(to: .now)) }
                    break
                }
                Thread.sleep(forTimeInterval: seconds(interval))
            }
            close(fd)
        case .endless(let status, let limit):
            var sent = 0
            let start = ContinuousClock.now
            let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
            if (try? HTTPWire.writeAll(fd, HTTPWire.encodeResponse(AWSHTTPResponse(status: status), contentLength: -1))) != nil {
                while sent < limit, !shared.stopped.load(ordering: .relaxed) {
                    guard (try? HTTPWire.writeAll(fd, chunk)) != nil else {
                        shared.hangUps.withLock { $0.append(start.duration(to: .now)) }
                        break
                    }
                    sent += chunk.count
                }
            }
            close(fd)
        case .truncated(let response, let declaredLength):
            try? HTTPWire.writeAll(fd, HTTPWire.encodeResponse(response, contentLength: declaredLength))
            shutdown(fd, Int32(SHUT_WR))
            close(fd)
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
