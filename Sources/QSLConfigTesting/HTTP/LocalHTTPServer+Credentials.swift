import Foundation
import QSLConfigAWS
import QSLConfigCore

extension LocalHTTPServer {
    /// The JSON document container and instance metadata endpoints return.
    static func credentialsDocument(_ credentials: AWSCredentials, expiration: Date) -> [UInt8] {
        let object: [String: String] = [
            "Code": "Success",
            "Type": "AWS-HMAC",
            "AccessKeyId": credentials.accessKeyId,
            "SecretAccessKey": credentials.secretAccessKey.unsafeRevealed,
            "Token": credentials.sessionToken?.unsafeRevealed ?? "",
            "Expiration": expiration.formatted(Date.ISO8601FormatStyle()),
            "LastUpdated": Date().formatted(Date.ISO8601FormatStyle()),
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// An ECS-style container credentials endpoint: `GET path` with `Authorization: token`
    /// (when a token is required) returns `credentials`; anything else is 401/404. Listens on
    /// `::1` when `ipv6`.
    public static func containerCredentials(
        path: String = "/v2/credentials/test", authorizationToken: String?, credentials: AWSCredentials,
        expiration: Date = Date().addingTimeInterval(3600), ipv6: Bool = false
    ) throws -> LocalHTTPServer {
        try LocalHTTPServer(ipv6: ipv6) { request in
            guard request.method == "GET", request.path == path else { return .response(AWSHTTPResponse(status: 404)) }
            if let authorizationToken, request.headers["Authorization"] != authorizationToken {
                return .response(AWSHTTPResponse(status: 401, body: Array(#"{"Code":"Unauthorized","Message":"bad token"}"#.utf8)))
            }
            return .response(AWSHTTPResponse(
                status: 200, headers: ["Content-Type": "application/json"],
                body: credentialsDocument(credentials, expiration: expiration)))
        }
    }

    /// An EC2 instance metadata service speaking IMDSv2 only: `PUT /latest/api/token` with a TTL
    /// header yields a token, which every `GET` must carry.
    public static func instanceMetadata(
        roleName: String = "qsl-test-role", credentials: AWSCredentials, expiration: Date = Date().addingTimeInterval(3600)
    ) throws -> LocalHTTPServer {
        let token = "imds-token-\(UUID().uuidString)"
        return try LocalHTTPServer { request in
            if request.method == "PUT" && request.path == "/latest/api/token" {
                guard request.headers["X-aws-ec2-metadata-token-ttl-seconds"] != nil else { return .response(AWSHTTPResponse(status: 400)) }
                return .response(AWSHTTPResponse(status: 200, body: Array(token.utf8)))
            }
            guard request.method == "GET" else { return .response(AWSHTTPResponse(status: 405)) }
            guard request.headers["X-aws-ec2-metadata-token"] == token else { return .response(AWSHTTPResponse(status: 401)) }
            switch request.path {
            case "/latest/meta-data/iam/security-credentials/":
                return .response(AWSHTTPResponse(status: 200, body: Array(roleName.utf8)))
            case "/latest/meta-data/iam/security-credentials/\(roleName)":
                return .response(AWSHTTPResponse(
                    status: 200, headers: ["Content-Type": "text/plain"],
                    body: credentialsDocument(credentials, expiration: expiration)))
            default:
                return .response(AWSHTTPResponse(status: 404))
            }
        }
    }
}
