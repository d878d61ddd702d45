/// Where requests for one service go, the region they are signed for, and why.
public struct AWSEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    /// DNS name or IP address (IPv6 without brackets).
    public var host: String
    public var port: Int?
    /// The path requests are sent to; `/` unless the configured URL had one.
    public var path: String
    /// The region SigV4 signs for: the client region, or `us-east-1` for the global IAM endpoint.
    public var signingRegion: String
    /// Which setting chose this endpoint, e.g. `--endpoint-url`, `AWS_ENDPOINT_URL_SSM`,
    /// `profile dev endpoint_url`, `default` or `default (FIPS)`.
    public var source: String

    public init(scheme: String, host: String, port: Int? = nil, path: String = "/", signingRegion: String, source: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.signingRegion = signingRegion
        self.source = source
    }

    /// The endpoint as a URL string, e.g. `https://ssm.eu-west-1.amazonaws.com`.
    public var url: String {
        let request = AWSHTTPRequest(method: "GET", scheme: scheme, host: host, port: port, path: path)
        let text = request.urlString
        return path == "/" && text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    public var description: String { "\(url) (\(source))" }
}
