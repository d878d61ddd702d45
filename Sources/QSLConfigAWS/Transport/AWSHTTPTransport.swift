/// The one seam between the AWS clients and the network.
///
/// ``CurlTransport`` (and ``PlainHTTPTransport`` for the metadata endpoints) is the production
/// implementation; tests use the scripted, recording
/// transport in `QSLConfigTesting`. Implementations throw ``AWSTransportError`` for failures
/// below HTTP (timeouts, refused or reset connections) so the retry policy can classify them,
/// and `CancellationError` when the calling task is cancelled; any HTTP status, 4xx and 5xx
/// included, is a response, not an error.
public protocol AWSHTTPTransport: Sendable {
    /// Sends `request` and returns the complete response.
    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse
}
