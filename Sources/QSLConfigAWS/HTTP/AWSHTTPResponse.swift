/// An HTTP response from an AWS endpoint: status, headers and the whole body.
///
/// Printed, it shows the status, the headers with credentials redacted and the body's size:
/// bodies hold secret values (`GetSecretValue`) and tokens (the instance metadata token).
public struct AWSHTTPResponse: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var status: Int
    public var headers: AWSHTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: AWSHTTPHeaders = AWSHTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `HTTP 200 [headers] <N bytes>`.
    public var description: String { "HTTP \(status) \(headers) <\(body.count) bytes>" }
    public var debugDescription: String { description }

    /// The request id AWS assigned, from `x-amzn-RequestId` or `x-amz-request-id`.
    public var requestIdHeader: String? {
        headers["x-amzn-RequestId"] ?? headers["x-amz-request-id"]
    }
}
