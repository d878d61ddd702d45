import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// ``AWSHTTPTransport`` over Foundation's `URLSession`.
///
/// Timeouts (both are per attempt; the retry policy decides whether to try again):
/// - `connectTimeout` becomes `URLSessionConfiguration.timeoutIntervalForRequest`, the longest the
///   session waits for the next bytes, connecting included. `URLSession` has no separate
///   connect-only timeout; this idle timeout is what bounds a dead host or a stalled response.
/// - `requestTimeout` becomes `timeoutIntervalForResource`, the limit for the whole exchange.
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

    public init(
        connectTimeout: Duration = URLSessionTransport.defaultConnectTimeout,
        requestTimeout: Duration = URLSessionTransport.defaultRequestTimeout
    ) {
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
        } catch let error as URLError {
            throw Self.classify(error, host: request.hostHeader)
        } catch {
            throw AWSTransportError(kind: .connectionFailed, host: request.hostHeader, reason: "\(error)")
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

    static func classify(_ error: URLError, host: String) -> AWSTransportError {
        switch error.code {
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
