/// ``AWSHTTPTransport`` for plain `http://` only, over qsl-config's own socket client
/// (`PlainHTTPClient`): what the live runtime sends instance metadata and container credentials
/// requests with. It waits in `poll`, so a slow endpoint costs no CPU, and reaches IPv6 literal
/// hosts (`http://[fd00:ec2::254]`). An `https://` request is refused as
/// ``AWSTransportError/Kind/invalidRequest``: send those with ``CurlTransport``.
///
/// Limits, per attempt: `requestTimeout` for the whole exchange, `idleTimeout` for any stretch
/// without a byte, and `maxResponseBytes` for the body.
public struct PlainHTTPTransport: AWSHTTPTransport {
    public let idleTimeout: Duration
    public let requestTimeout: Duration
    public let maxResponseBytes: Int

    /// - Precondition: both timeouts are positive and `maxResponseBytes` is at least one.
    public init(
        idleTimeout: Duration = AWSTransportDefaults.idleTimeout,
        requestTimeout: Duration = AWSTransportDefaults.requestTimeout,
        maxResponseBytes: Int = AWSTransportDefaults.maxResponseBytes
    ) {
        precondition(idleTimeout > .zero && requestTimeout > .zero, "PlainHTTPTransport timeouts must be positive")
        precondition(maxResponseBytes > 0, "PlainHTTPTransport maxResponseBytes must be positive")
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
    }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        guard request.scheme == "http" else {
            throw AWSTransportError(kind: .invalidRequest, host: request.hostHeader, reason: "only plain http is sent over the socket client")
        }
        return try await PlainHTTPClient.send(request, deadline: requestTimeout, idle: idleTimeout, maxResponseBytes: maxResponseBytes)
    }
}
