#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// AWS Identity and Access Management, for access key rotation (query protocol, global endpoint
/// signed for `us-east-1`).
///
/// ```swift
/// let iam = IAMClient(context: try AWSContext())
/// let created = try await iam.createAccessKey(userName: "qsl-ci")
/// store(created.secretAccessKey)   // a SecretValue
/// ```
public struct IAMClient: Sendable {
    let client: AWSClient

    public init(context: AWSContext) {
        self.client = context.client(for: .iam)
    }

    package init(client: AWSClient) {
        self.client = client
    }

    /// One page of a user's access keys (the caller's own when `userName` is `nil`).
    public func listAccessKeys(userName: String? = nil, marker: String? = nil, maxItems: Int? = nil) async throws -> ListAccessKeysOutput {
        var parameters: [(String, String)] = []
        if let userName { parameters.append(("UserName", userName)) }
        if let marker { parameters.append(("Marker", marker)) }
        if let maxItems { parameters.append(("MaxItems", String(maxItems))) }
        let result = try await client.query("ListAccessKeys", parameters: parameters)
        let keys = result.members("AccessKeyMetadata").map { member in
            AccessKeyMetadata(
                userName: member.string("UserName"),
                accessKeyId: member.string("AccessKeyId") ?? "",
                status: member.string("Status") ?? "",
                createDate: member.string("CreateDate").flatMap(AWSTimestamp.parseISO8601))
        }
        let truncated = result.string("IsTruncated") == "true"
        return ListAccessKeysOutput(accessKeys: keys, isTruncated: truncated, marker: truncated ? result.string("Marker") : nil)
    }

    /// Every access key of a user, following `Marker` while `IsTruncated`.
    public func listAllAccessKeys(userName: String? = nil, pageSize: Int? = nil) async throws -> [AccessKeyMetadata] {
        try await AWSClient.allPages(operation: "ListAccessKeys", service: .iam) { marker in
            let page = try await listAccessKeys(userName: userName, marker: marker, maxItems: pageSize)
            return (page.accessKeys, page.marker)
        }
    }

    /// A new access key; its secret is only ever returned here.
    public func createAccessKey(userName: String? = nil) async throws -> AccessKey {
        let result = try await client.query("CreateAccessKey", parameters: userName.map { [("UserName", $0)] } ?? [])
        guard let key = result.child("AccessKey"), let id = key.string("AccessKeyId"), let secret = key.string("SecretAccessKey") else {
            throw AWSError(
                kind: .malformedResponse, service: .iam, operation: "CreateAccessKey",
                serviceMessage: "the response had no <AccessKey>", attempts: 1, credentials: nil, host: "iam")
        }
        return AccessKey(
            userName: key.string("UserName"), accessKeyId: id, status: key.string("Status") ?? "Active",
            secretAccessKey: SecretValue(secret), createDate: key.string("CreateDate").flatMap(AWSTimestamp.parseISO8601))
    }

    /// Sets a key `Active` or `Inactive`.
    public func updateAccessKey(userName: String? = nil, accessKeyId: String, status: AccessKeyStatus) async throws {
        var parameters = [("AccessKeyId", accessKeyId), ("Status", status.rawValue)]
        if let userName { parameters.append(("UserName", userName)) }
        _ = try await client.query("UpdateAccessKey", parameters: parameters)
    }

    public func deleteAccessKey(userName: String? = nil, accessKeyId: String) async throws {
        var parameters = [("AccessKeyId", accessKeyId)]
        if let userName { parameters.append(("UserName", userName)) }
        _ = try await client.query("DeleteAccessKey", parameters: parameters)
    }
}
