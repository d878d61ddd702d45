/// A failure below HTTP: no response arrived.
///
/// ```swift
/// do { _ = try await transport.send(request) }
/// catch let error as AWSTransportError where error.kind == .timedOut { ... }
/// ```
public struct AWSTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarse enough for retry decisions.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable { case timedOut, connectionFailed, invalidRequest, responseTooLarge }
        private let code: Code

        /// No complete response within the configured timeout: the whole-exchange deadline, or
        /// the idle timeout between two bytes.
        public static let timedOut = Kind(code: .timedOut)
        /// The connection could not be made, or was reset or closed before the response ended.
        public static let connectionFailed = Kind(code: .connectionFailed)
        /// The request could not be sent at all (for example an unusable URL); never retried.
        public static let invalidRequest = Kind(code: .invalidRequest)
        /// The response body outgrew the transport's limit (``CurlTransport/maxResponseBytes``)
        /// and the exchange was abandoned; never retried, since the next answer would be as large.
        public static let responseTooLarge = Kind(code: .responseTooLarge)

        public var description: String {
            switch code {
            case .timedOut: "timed out"
            case .connectionFailed: "connection failed"
            case .invalidRequest: "invalid request"
            case .responseTooLarge: "response too large"
            }
        }
    }

    public let kind: Kind
    /// `host[:port]` the request was going to.
    public let host: String
    /// The underlying reason, as the networking layer reported it.
    public let reason: String

    public init(kind: Kind, host: String, reason: String) {
        self.kind = kind
        self.host = host
        self.reason = reason
    }

    public var description: String {
        switch kind {
        case .timedOut: "the request to \(host) timed out (\(reason))"
        case .invalidRequest: "the request to \(host) could not be sent (\(reason))"
        case .responseTooLarge: "the response from \(host) was too large (\(reason))"
        default: "could not reach \(host) (\(reason))"
        }
    }
}
