/// An HTTP response from an AWS endpoint: status, headers and the whole body.
public struct AWSHTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: AWSHTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: AWSHTTPHeaders = AWSHTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The request id AWS assigned, from `x-amzn-RequestId` or `x-amz-request-id`.
    public var requestIdHeader: String? {
        headers["x-amzn-RequestId"] ?? headers["x-amz-request-id"]
    }
}
