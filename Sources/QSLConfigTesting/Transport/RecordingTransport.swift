import Foundation
import QSLConfigAWS
import Synchronization

/// Wraps a real transport and records every request that goes through it: the operation
/// (`X-Amz-Target`), the body, and how many requests were in flight at once. Used to prove the
/// call-count and concurrency guarantees against moto_server at the HTTP layer.
///
/// With `holdUntil: n` each request waits until `n` requests are in flight (or `deadlockBreaker`
/// has passed) before it is sent, so a caller that sends its calls one after the other is caught
/// as `maxInFlight < n` instead of passing by luck of timing.
///
/// ```swift
/// let transport = RecordingTransport(CurlTransport())
/// // ... resolve ...
/// #expect(transport.operations.filter { $0 == "secretsmanager.BatchGetSecretValue" }.count == 3)
/// ```
public final class RecordingTransport: AWSHTTPTransport {
    /// One request as sent.
    public struct Record: Sendable {
        /// `X-Amz-Target`, e.g. `secretsmanager.BatchGetSecretValue`; `nil` for query-protocol calls.
        public var target: String?
        public var body: [UInt8]

        /// The body as a JSON object, for JSON 1.1 calls.
        public var jsonBody: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    private struct State {
        var records: [Record] = []
        var inFlight = 0
        var maxInFlight = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var released = false
    }

    public let base: any AWSHTTPTransport
    private let holdUntil: Int
    private let deadlockBreaker: Duration
    private let state = Mutex(State())

    /// - Parameters:
    ///   - base: The transport that really sends.
    ///   - holdUntil: Hold requests until this many are in flight (1: send at once).
    ///   - deadlockBreaker: How long a held request waits for the others before it is sent anyway.
    public init(_ base: any AWSHTTPTransport, holdUntil: Int = 1, deadlockBreaker: Duration = .seconds(20)) {
        self.base = base
        self.holdUntil = holdUntil
        self.deadlockBreaker = deadlockBreaker
    }

    /// Every request so far, in the order they were sent.
    public var records: [Record] { state.withLock { $0.records } }

    /// The `X-Amz-Target` of every request so far.
    public var operations: [String] { records.compactMap(\.target) }

    /// The most requests that were in flight at the same time.
    public var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        let mustWait = state.withLock { state -> Bool in
            state.records.append(Record(target: request.headers["X-Amz-Target"], body: request.body))
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            if state.inFlight >= holdUntil { state.released = true }
            return !state.released
        }
        if mustWait {
            let breaker = Task { [deadlockBreaker] in
                try? await Task.sleep(for: deadlockBreaker)
                if !Task.isCancelled { self.releaseAll() }
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.released { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            breaker.cancel()
        } else {
            releaseAll()
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        return try await base.send(request)
    }

    private func releaseAll() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.released = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
