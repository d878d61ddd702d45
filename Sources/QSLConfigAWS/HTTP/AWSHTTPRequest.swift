#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// An HTTP request to an AWS endpoint, in the shape the signer and the transport share.
///
/// `path` and `query` are kept as text rather than a `URL` because SigV4 canonicalises them
/// itself: `path` is the unencoded path (the signer and the transport percent-encode each segment),
/// and `query` is the raw query string without the leading `?`.
///
/// ```swift
/// let request = AWSHTTPRequest(
///     method: "POST", scheme: "https", host: "sts.us-east-1.amazonaws.com",
///     headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
///     body: Array("Action=GetCallerIdentity&Version=2011-06-15".utf8))
/// ```
///
/// Printed, it shows the method, the target without its query, the headers with credentials
/// redacted and the body's size: bodies hold secret values (`PutSecretValue`, `PutParameter`).
public struct AWSHTTPRequest: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var method: String
    /// `https`, or `http` for a loopback emulator.
    public var scheme: String
    /// A DNS name or an IP address; IPv6 addresses are written without brackets.
    public var host: String
    /// The port, or `nil` for the scheme's default.
    public var port: Int?
    public var path: String
    public var query: String
    public var headers: AWSHTTPHeaders
    public var body: [UInt8]

    public init(
        method: String,
        scheme: String = "https",
        host: String,
        port: Int? = nil,
        path: String = "/",
        query: String = "",
        headers: AWSHTTPHeaders = AWSHTTPHeaders(),
        body: [UInt8] = []
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The value of the `Host` header for this request: the host, plus the port unless it is the
    /// scheme's default, with IPv6 addresses in brackets.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else {
            return name
        }
        return "\(name):\(port)"
    }

    /// `POST https://host/path [headers] <N bytes>`; a query shows as its length only.
    public var description: String {
        let target = "\(scheme)://\(hostHeader)\(SigV4Encoding.encodePath(path))"
        let query = query.isEmpty ? "" : "?<\(query.utf8.count) bytes>"
        return "\(method) \(target)\(query) \(headers) <\(body.count) bytes>"
    }

    public var debugDescription: String { description }

    /// The request target as text: `scheme://host[:port]/path[?query]`, path segments
    /// percent-encoded the way the signer encodes them.
    public var urlString: String {
        let encodedPath = SigV4Encoding.encodePath(path)
        return "\(scheme)://\(hostHeader)\(encodedPath)\(query.isEmpty ? "" : "?" + query)"
    }
}

extension AWSHTTPRequest {
    /// A `GET` for an absolute `http(s)://` URL, or `nil` if `urlText` is not one.
    init?(getting urlText: String) {
        guard let components = URLComponents(string: urlText), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        let path = PercentDecoding.strictText(components.percentEncodedPath) ?? components.percentEncodedPath
        self.init(
            method: "GET", scheme: scheme, host: host.trimmingBrackets, port: components.port,
            path: path.isEmpty ? "/" : path, query: components.percentEncodedQuery ?? "")
    }
}
