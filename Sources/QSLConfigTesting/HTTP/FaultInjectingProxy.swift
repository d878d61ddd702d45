import Foundation
import QSLConfigAWS
import Synchronization

/// An HTTP proxy on loopback that forwards to an upstream server (moto) and injects faults
/// from a script: the first request meets the first fault, and so on; once the script runs
/// out every request is forwarded untouched.
///
/// Point a client's endpoint at ``baseURL``. The `Host` header is forwarded unchanged, so a
/// signature computed for the proxy's address still verifies upstream.
///
/// ```swift
/// let proxy = try FaultInjectingProxy(upstreamPort: moto.port, faults: [.throttle, .throttleStatus(503)])
/// // the third attempt reaches moto
/// ```
///
/// The faults a fleet-scale run needs: throttling answered 400, 429 or 503; a server error; a
/// reset; a stall past the client's deadline; a response trickling in a byte at a time; a body
/// cut short of its `Content-Length`. Faults that forward make the upstream act on the request
/// (a write happens) before the client sees the failure.
public final class FaultInjectingProxy: Sendable {
    public enum Fault: Sendable, Hashable {
        /// Forward and relay the response.
        case pass
        /// Answer 400 with the protocol's throttling error (`ThrottlingException` for JSON,
        /// `Throttling` for query) without forwarding.
        case throttle
        /// Answer `status` (429 or 503, as AWS front ends throttle) with the protocol's throttling
        /// error, without forwarding.
        case throttleStatus(Int)
        /// Answer 500 `InternalFailure` without forwarding.
        case serverError
        /// Reset the connection without forwarding.
        case reset
        /// Hold the connection without answering, then close it, without forwarding.
        case stall(Duration)
        /// Forward (so the upstream acts on it), then answer 500 instead of the real response.
        case forwardThenServerError
        /// Forward (so the upstream acts on it), then reset the connection.
        case forwardThenReset
        /// Forward, then relay the upstream's response one byte every `every` (head included):
        /// a response that outlives any sane deadline while never going idle for long.
        case trickle(every: Duration)
        /// Forward, then send the upstream's head with a `Content-Length` larger than the body,
        /// then half the body, then close.
        case truncatedBody
    }

    /// What happened to one request.
    public struct Exchange: Sendable, Hashable {
        public var request: LocalHTTPServer.Request
        public var fault: Fault
        /// Whether the request reached the upstream server.
        public var forwarded: Bool
    }

    private let server: LocalHTTPServer
    private let state: State

    private final class State: Sendable {
        let faults: Mutex<[Fault]>
        let log = Mutex<[Exchange]>([])
        init(faults: [Fault]) { self.faults = Mutex(faults) }
    }

    /// Listens on `127.0.0.1`, or on `::1` when `ipv6`; forwards to `127.0.0.1:upstreamPort`.
    public init(upstreamPort: Int, faults: [Fault], ipv6: Bool = false) throws {
        let state = State(faults: faults)
        self.state = state
        self.server = try LocalHTTPServer(ipv6: ipv6) { request in
            let fault = state.faults.withLock { $0.isEmpty ? .pass : $0.removeFirst() }
            let forwards: Bool
            switch fault {
            case .pass, .forwardThenServerError, .forwardThenReset, .trickle, .truncatedBody: forwards = true
            case .throttle, .throttleStatus, .serverError, .reset, .stall: forwards = false
            }
            state.log.withLock { $0.append(Exchange(request: request, fault: fault, forwarded: forwards)) }
            var upstream: AWSHTTPResponse?
            if forwards {
                do {
                    upstream = try HTTPWire.exchange(
                        port: upstreamPort, method: request.method, target: request.target,
                        headers: request.headers, body: request.body)
                } catch {
                    return .response(AWSHTTPResponse(status: 502, body: Array("proxy: upstream failed: \(error)".utf8)))
                }
            }
            switch fault {
            case .pass:
                return .response(upstream!)
            case .throttle:
                return .response(Self.throttling(for: request))
            case .throttleStatus(let status):
                return .response(Self.throttling(for: request, status: status))
            case .serverError, .forwardThenServerError:
                return .response(Self.internalFailure(for: request))
            case .reset, .forwardThenReset:
                return .reset
            case .stall(let duration):
                return .stall(duration)
            case .trickle(let interval):
                return .trickle(upstream!, every: interval)
            case .truncatedBody:
                var partial = upstream!
                let declared = max(partial.body.count, 2)
                partial.body = Array(partial.body.prefix(declared / 2))
                return .truncated(partial, declaredLength: declared)
            }
        }
    }

    /// `http://127.0.0.1:PORT`, or `http://[::1]:PORT`.
    public var baseURL: String { server.baseURL }
    public var port: Int { server.port }

    /// For each `.trickle` the client gave up on, how long after the reply began it let go
    /// (see ``LocalHTTPServer/hangUps``).
    public var hangUps: [Duration] { server.hangUps }

    /// Every request that arrived, with the fault it met.
    public var exchanges: [Exchange] { state.log.withLock { $0 } }

    /// Appends faults to the script.
    public func enqueue(_ faults: [Fault]) {
        state.faults.withLock { $0.append(contentsOf: faults) }
    }

    public func stop() { server.stop() }

    private static func isJSON(_ request: LocalHTTPServer.Request) -> Bool {
        request.headers["Content-Type"]?.contains("json") ?? false
    }

    static func throttling(for request: LocalHTTPServer.Request, status: Int = 400) -> AWSHTTPResponse {
        let id = UUID().uuidString
        if isJSON(request) {
            return AWSHTTPResponse(
                status: status,
                headers: ["Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": id],
                body: Array(#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.utf8))
        }
        return AWSHTTPResponse(
            status: status, headers: ["Content-Type": "text/xml"],
            body: Array("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>\(id)</RequestId></ErrorResponse>".utf8))
    }

    static func internalFailure(for request: LocalHTTPServer.Request) -> AWSHTTPResponse {
        let id = UUID().uuidString
        if isJSON(request) {
            return AWSHTTPResponse(
                status: 500,
                headers: ["Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": id],
                body: Array(#"{"__type":"InternalFailure","message":"injected server error"}"#.utf8))
        }
        return AWSHTTPResponse(
            status: 500, headers: ["Content-Type": "text/xml"],
            body: Array("<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>injected server error</Message></Error><RequestId>\(id)</RequestId></ErrorResponse>".utf8))
    }
}
