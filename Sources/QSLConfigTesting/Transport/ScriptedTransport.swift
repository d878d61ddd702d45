import QSLConfigAWS
import Synchronization

/// A fake ``AWSHTTPTransport`` for unit tests: records every request and answers from a
/// script, in order, then from `otherwise` (if given).
///
/// ```swift
/// let transport = ScriptedTransport([
///     .respond(.json(status: 400, #"{"__type":"ThrottlingException","message":"slow down"}"#)),
///     .respond(.json(status: 200, #"{"Name":"a","SecretString":"s"}"#)),
/// ])
/// ```
public final class ScriptedTransport: AWSHTTPTransport {
    public enum Step: Sendable {
        case respond(AWSHTTPResponse)
        case fail(AWSTransportError)
        case handle(@Sendable (AWSHTTPRequest) throws -> AWSHTTPResponse)
        /// Answers when `handler` returns: for a server that takes its time (or hangs until a
        /// test lets it go).
        case wait(@Sendable (AWSHTTPRequest) async throws -> AWSHTTPResponse)
    }

    private struct State {
        var steps: [Step]
        var requests: [AWSHTTPRequest] = []
    }

    private let state: Mutex<State>
    private let fallback: Step?

    public init(_ steps: [Step] = [], otherwise fallback: Step? = nil) {
        self.state = Mutex(State(steps: steps))
        self.fallback = fallback
    }

    /// Every request sent so far, in order.
    public var requests: [AWSHTTPRequest] { state.withLock { $0.requests } }

    public func enqueue(_ steps: Step...) {
        state.withLock { $0.steps.append(contentsOf: steps) }
    }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        let step = state.withLock { state -> Step? in
            state.requests.append(request)
            return state.steps.isEmpty ? fallback : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response): return response
        case .fail(let error): throw error
        case .handle(let handler): return try handler(request)
        case .wait(let handler): return try await handler(request)
        case nil:
            throw AWSTransportError(kind: .invalidRequest, host: request.hostHeader, reason: "ScriptedTransport has no response left for request \(state.withLock { $0.requests.count })")
        }
    }
}

extension AWSHTTPResponse {
    /// A JSON 1.1 response, e.g. `.json(status: 200, #"{"Name":"x"}"#)`.
    public static func json(status: Int, _ body: String, requestId: String = "req-test") -> AWSHTTPResponse {
        AWSHTTPResponse(
            status: status,
            headers: ["Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": requestId],
            body: Array(body.utf8))
    }

    /// A query-protocol (XML) response.
    public static func xml(status: Int, _ body: String) -> AWSHTTPResponse {
        AWSHTTPResponse(status: status, headers: ["Content-Type": "text/xml"], body: Array(body.utf8))
    }
}
