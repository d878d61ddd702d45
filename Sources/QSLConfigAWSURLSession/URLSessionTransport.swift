import Foundation
import QSLConfigAWS
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// ``AWSHTTPTransport`` over Foundation's `URLSession`, with limits it enforces itself.
///
/// Not what the CLI or ``AWSContext`` use (``CurlTransport`` for API calls, the socket client and
/// libcurl for the metadata endpoints): it lives in a module of its own so that nothing which does
/// not ask for it links FoundationNetworking (and, through it, libcurl at start-up). The tests and
/// the soak benchmark use it as a second, independent client.
///
/// Limits (all per attempt; the retry policy decides whether to try again):
/// - `requestTimeout` is the deadline for the whole exchange: connecting, sending, and receiving
///   the last byte of the body. The transport runs its own timer and cancels the exchange when it
///   fires, because swift-corelibs-foundation (Linux) ignores `timeoutIntervalForResource`: there
///   a response trickling in a byte at a time would otherwise never time out. Throws
///   ``AWSTransportError/Kind/timedOut``.
/// - `connectTimeout` is `URLSession`'s idle timeout (`timeoutInterval`): the longest the transfer
///   may go without a byte, connecting included. On Linux it counts whole seconds, so it must be
///   at least one second.
/// - `maxResponseBytes` caps the response body. The bytes are counted as they arrive, and a
///   larger `Content-Length` is refused before any body is read, so a response that never ends
///   cannot grow the process. Throws ``AWSTransportError/Kind/responseTooLarge``.
///
/// Cancelling the calling task cancels the request and throws `CancellationError`.
///
/// Plain `http://` to an IPv6 literal (`http://[::1]:4566`, `http://[fd00:ec2::23]`) goes over a
/// small socket client with the same limits, because `URLSession` on Linux refuses IPv6 literal
/// hosts (see `PlainHTTPClient`); with `plainHTTPOverSockets` every plain-HTTP request does,
/// which the metadata transport uses so that waiting for a credentials endpoint never spins a
/// core. `https://` to an IPv6 literal is left to `URLSession`, which on Linux refuses it: use a
/// DNS name.
///
/// Known limit on Linux: while `URLSession` waits for a response it keeps waking its queue (a
/// swift-corelibs-foundation defect, see `PlainHTTPClient`), so a slow answer over `URLSession`
/// costs CPU until it arrives or the deadline passes.
///
/// Redirects are not followed and nothing is cached or stored in cookies: AWS APIs never redirect,
/// and a signed request must not be replayed somewhere else.
///
/// ```swift
/// let transport = URLSessionTransport(connectTimeout: .seconds(2), requestTimeout: .seconds(10))
/// ```
public final class URLSessionTransport: AWSHTTPTransport, Sendable {
    /// Defaults for AWS API calls: 10 s without a byte, 30 s for a whole exchange.
    public static let defaultConnectTimeout: Duration = AWSTransportDefaults.idleTimeout
    public static let defaultRequestTimeout: Duration = AWSTransportDefaults.requestTimeout
    /// The largest AWS API response body accepted (``AWSTransportDefaults/maxResponseBytes``).
    public static let defaultMaxResponseBytes = AWSTransportDefaults.maxResponseBytes
    /// The largest metadata or container credentials response accepted
    /// (``AWSTransportDefaults/metadataMaxResponseBytes``).
    public static let metadataMaxResponseBytes = AWSTransportDefaults.metadataMaxResponseBytes

    /// Where every exchange's deadline timer fires.
    private static let deadlineQueue = DispatchQueue(label: "qsl-config.transport.deadlines")

    private let session: URLSession
    private let delegate: SessionDelegate

    public let connectTimeout: Duration
    public let requestTimeout: Duration
    public let maxResponseBytes: Int
    /// Whether every plain `http://` request goes over the socket client rather than `URLSession`.
    public let plainHTTPOverSockets: Bool

    /// - Precondition: `connectTimeout` is at least one second (see above), `requestTimeout` is
    ///   positive and `maxResponseBytes` is at least one.
    public init(
        connectTimeout: Duration = URLSessionTransport.defaultConnectTimeout,
        requestTimeout: Duration = URLSessionTransport.defaultRequestTimeout,
        maxResponseBytes: Int = URLSessionTransport.defaultMaxResponseBytes,
        plainHTTPOverSockets: Bool = false
    ) {
        precondition(
            connectTimeout >= .seconds(1),
            "URLSessionTransport connectTimeout \(connectTimeout) is under one second, which URLSession on Linux truncates to no time at all")
        precondition(requestTimeout > .zero, "URLSessionTransport requestTimeout must be positive")
        precondition(maxResponseBytes > 0, "URLSessionTransport maxResponseBytes must be positive")
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.plainHTTPOverSockets = plainHTTPOverSockets
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = connectTimeout.seconds
        // Darwin enforces this; here it is only a backstop behind the transport's own timer.
        configuration.timeoutIntervalForResource = requestTimeout.seconds * 2 + 1
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        self.delegate = SessionDelegate()
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        if request.scheme == "http" && (plainHTTPOverSockets || PlainHTTPClient.isIPv6Literal(request)) {
            return try await PlainHTTPClient.send(
                request, deadline: requestTimeout, idle: connectTimeout, maxResponseBytes: maxResponseBytes)
        }
        guard let url = URL(string: request.urlString) else {
            throw AWSTransportError(kind: .invalidRequest, host: request.hostHeader, reason: "not a valid URL")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = connectTimeout.seconds
        for field in request.headers {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            urlRequest.httpBody = Data(request.body)
        }

        let exchange = Exchange(host: request.hostHeader, limit: maxResponseBytes, deadline: requestTimeout)
        let task = session.dataTask(with: urlRequest)
        delegate.register(exchange, for: task)
        // A dispatch timer on a serial (overcommitting) queue, not a Task: the deadline must hold
        // even when every thread of the concurrency pool is busy.
        let timer = DispatchSource.makeTimerSource(queue: Self.deadlineQueue)
        timer.schedule(deadline: .now() + requestTimeout.seconds, leeway: .milliseconds(10))
        timer.setEventHandler {
            if exchange.stop(.deadline) { task.cancel() }
        }
        timer.resume()
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if exchange.start(continuation) { task.resume() } else { delegate.forget(task) }
            }
        } onCancel: {
            if exchange.stop(.cancelled) { task.cancel() }
        }
    }

    /// ``AWSTransportError`` for network failures; `CancellationError` when the task was
    /// cancelled, which is not a failure to retry or report.
    static func classify(_ error: any Error, host: String) -> any Error {
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        guard let error = error as? URLError else {
            return AWSTransportError(kind: .connectionFailed, host: host, reason: "\(error)")
        }
        switch error.code {
        case .cancelled:
            return CancellationError()
        case .timedOut:
            return AWSTransportError(kind: .timedOut, host: host, reason: error.localizedDescription)
        case .badURL, .unsupportedURL:
            return AWSTransportError(kind: .invalidRequest, host: host, reason: error.localizedDescription)
        default:
            return AWSTransportError(kind: .connectionFailed, host: host, reason: error.localizedDescription)
        }
    }
}

extension URLSessionTransport {
    /// One request in flight: the bytes received so far, the limits, why it was stopped (if it
    /// was), and the continuation its caller waits on, resumed exactly once when the task
    /// completes (or at once, if it was stopped before it started).
    final class Exchange: Sendable {
        enum Stop: Sendable { case deadline, tooLarge, cancelled }

        private struct State {
            var continuation: CheckedContinuation<AWSHTTPResponse, any Error>?
            var response: HTTPURLResponse?
            var body = Data()
            var stop: Stop?
            var finished = false
        }

        let host: String
        let limit: Int
        let deadline: Duration
        private let state = Mutex(State())

        init(host: String, limit: Int, deadline: Duration) {
            self.host = host
            self.limit = limit
            self.deadline = deadline
        }

        /// Keeps the continuation; `false` (and the continuation resumed) when the exchange was
        /// already stopped, so the task must not start.
        func start(_ continuation: CheckedContinuation<AWSHTTPResponse, any Error>) -> Bool {
            let stopped: Stop? = state.withLock { state in
                if let stop = state.stop {
                    state.finished = true
                    return stop
                }
                state.continuation = continuation
                return nil
            }
            guard let stopped else { return true }
            continuation.resume(throwing: failure(for: stopped))
            return false
        }

        /// Records the first reason to stop; `true` when it is the first, so the caller cancels
        /// the task.
        func stop(_ reason: Stop) -> Bool {
            state.withLock { state in
                guard state.stop == nil, !state.finished else { return false }
                state.stop = reason
                return true
            }
        }

        /// `false` when the task must be cancelled: the declared length is over the limit (the
        /// exchange is then stopped), or the exchange was stopped already (its cancellation has
        /// not taken yet).
        func received(_ response: URLResponse) -> Bool {
            if response.expectedContentLength > Int64(limit) {
                _ = stop(.tooLarge)
                return false
            }
            return state.withLock { state in
                guard state.stop == nil else { return false }
                state.response = response as? HTTPURLResponse
                return true
            }
        }

        /// Appends body bytes; `false` when the task must be cancelled: the bytes take the body
        /// over the limit (the exchange is then stopped and nothing more is kept), or the
        /// exchange was stopped already and bytes still arrive (each such delivery cancels the
        /// task again, in case an earlier cancellation was lost).
        func received(_ data: Data) -> Bool {
            let (over, stopped): (Bool, Bool) = state.withLock { state in
                guard state.stop == nil else { return (false, true) }
                if state.body.count + data.count > limit { return (true, false) }
                state.body.append(data)
                return (false, false)
            }
            if over { _ = stop(.tooLarge) }
            return !over && !stopped
        }

        /// Resumes the caller with the response, or with why there is none.
        func complete(error: (any Error)?) {
            let (continuation, result): (CheckedContinuation<AWSHTTPResponse, any Error>?, Result<AWSHTTPResponse, any Error>) =
                state.withLock { state in
                    state.finished = true
                    let continuation = state.continuation
                    state.continuation = nil
                    if let stop = state.stop { return (continuation, .failure(failure(for: stop))) }
                    if let error { return (continuation, .failure(URLSessionTransport.classify(error, host: host))) }
                    guard let http = state.response else {
                        return (continuation, .failure(AWSTransportError(kind: .connectionFailed, host: host, reason: "the response was not HTTP")))
                    }
                    var headers = AWSHTTPHeaders()
                    for (name, value) in http.allHeaderFields {
                        headers.add(name: "\(name)", value: "\(value)")
                    }
                    let response = AWSHTTPResponse(status: http.statusCode, headers: headers, body: Array(state.body))
                    state.body = Data()
                    return (continuation, .success(response))
                }
            continuation?.resume(with: result)
        }

        private func failure(for stop: Stop) -> any Error {
            switch stop {
            case .cancelled:
                return CancellationError()
            case .deadline:
                return AWSTransportError(
                    kind: .timedOut, host: host, reason: "no complete response within the \(deadline) deadline for the whole exchange")
            case .tooLarge:
                return AWSTransportError(
                    kind: .responseTooLarge, host: host, reason: "the body exceeded the limit of \(limit) bytes and was abandoned")
            }
        }
    }

    /// The session's delegate: routes each task's events to its ``Exchange`` and refuses every
    /// redirect, so a signed request only ever goes where it was signed for.
    final class SessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
        private let exchanges = Mutex<[Int: Exchange]>([:])

        func register(_ exchange: Exchange, for task: URLSessionTask) {
            exchanges.withLock { $0[task.taskIdentifier] = exchange }
        }

        func forget(_ task: URLSessionTask) {
            _ = exchanges.withLock { $0.removeValue(forKey: task.taskIdentifier) }
        }

        private func exchange(for task: URLSessionTask) -> Exchange? {
            exchanges.withLock { $0[task.taskIdentifier] }
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
        ) {
            let accepted = exchange(for: dataTask)?.received(response) ?? false
            completionHandler(accepted ? .allow : .cancel)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            // Bytes for a task whose exchange is over (answered, or stopped and completed) mean
            // the task still runs: cancelled again, so its connection is let go.
            guard let exchange = exchange(for: dataTask), exchange.received(data) else {
                dataTask.cancel()
                return
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            let exchange = exchanges.withLock { $0.removeValue(forKey: task.taskIdentifier) }
            exchange?.complete(error: error)
        }

        func urlSession(
            _ session: URLSession,
            task: URLSessionTask,
            willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest,
            completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    fileprivate var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
