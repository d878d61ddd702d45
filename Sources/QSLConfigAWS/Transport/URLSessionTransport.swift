import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// ``AWSHTTPTransport`` over Foundation's `URLSession`.
///
/// Timeouts (both are per attempt; the retry policy decides whether to try again):
/// - `connectTimeout` becomes each request's `timeoutInterval`, the longest the transfer may go
///   without sending or receiving a byte, connecting included. `URLSession` has no separate
///   connect-only timeout; this idle timeout is what bounds a dead host or a stalled response.
///   On Linux, swift-corelibs-foundation counts it in whole seconds (a fraction is dropped, and
///   less than one second would time out at once), so it must be at least one second.
/// - `requestTimeout` becomes `timeoutIntervalForResource`, which Darwin's `URLSession` enforces
///   as the limit for the whole exchange. swift-corelibs-foundation (Linux) does not enforce it:
///   there a response that keeps trickling in is bounded only by the idle timeout.
///
/// Cancelling the calling task cancels the request and throws `CancellationError`.
///
/// Redirects are not followed and nothing is cached or stored in cookies: AWS APIs never redirect,
/// and a signed request must not be replayed somewhere else.
///
/// ```swift
/// let transport = URLSessionTransport(connectTimeout: .seconds(2), requestTimeout: .seconds(10))
/// ```
public final class URLSessionTransport: AWSHTTPTransport, Sendable {
    /// Defaults for AWS API calls: 10 s without a byte, 30 s for a whole exchange.
    public static let defaultConnectTimeout: Duration = .seconds(10)
    public static let defaultRequestTimeout: Duration = .seconds(30)

    private let session: URLSession
    private let delegate: NoRedirects

    public let connectTimeout: Duration
    public let requestTimeout: Duration

    /// - Precondition: `connectTimeout` is at least one second (see above).
    public init(
        connectTimeout: Duration = URLSessionTransport.defaultConnectTimeout,
        requestTimeout: Duration = URLSessionTransport.defaultRequestTimeout
    ) {
        precondition(
            connectTimeout >= .seconds(1),
            "URLSessionTransport connectTimeout \(connectTimeout) is under one second, which URLSession on Linux truncates to no time at all")
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = connectTimeout.seconds
        configuration.timeoutIntervalForResource = requestTimeout.seconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        self.delegate = NoRedirects()
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
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

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch {
            throw Self.classify(error, host: request.hostHeader)
        }
        guard let http = response as? HTTPURLResponse else {
            throw AWSTransportError(kind: .connectionFailed, host: request.hostHeader, reason: "the response was not HTTP")
        }
        var headers = AWSHTTPHeaders()
        for (name, value) in http.allHeaderFields {
            headers.add(name: "\(name)", value: "\(value)")
        }
        return AWSHTTPResponse(status: http.statusCode, headers: headers, body: Array(data))
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

/// Refuses every redirect, so a signed request only ever goes where it was signed for.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
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

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
