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

/// A tiny HTTP/1.1 server on `127.0.0.1` and a free port, for tests: container and instance
/// metadata credential endpoints, and the base of ``FaultInjectingProxy``.
///
/// Each connection is served on its own thread by `handler`, whose ``Reply`` may also reset
/// the connection or stall without answering. Every request is recorded.
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
    }

    public let port: Int
    private let shared: Shared

    private final class Shared: Sendable {
        let stopped = Atomic<Bool>(false)
        let requests = Mutex<[Request]>([])
        let handler: @Sendable (Request) -> Reply
        init(handler: @escaping @Sendable (Request) -> Reply) { self.handler = handler }
    }

    /// Starts listening at once.
    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        let (listener, port) = try HTTPWire.listenOnLoopback()
        self.port = port
        let shared = Shared(handler: handler)
        self.shared = shared
        let thread = Thread { Self.acceptLoop(listener: listener, shared: shared) }
        thread.name = "LocalHTTPServer:\(port)"
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in arrival order.
    public var requests: [Request] { shared.requests.withLock { $0 } }

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
            let (seconds, attoseconds) = duration.components
            Thread.sleep(forTimeInterval: TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
            close(fd)
        }
    }
}
