#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// AWS Security Token Service: who am I, and temporary credentials for a role.
///
/// ```swift
/// let context = try AWSContext(profile: "ops")
/// let identity = try await STSClient(context: context).getCallerIdentity()
/// print(identity.arn)
/// ```
public struct STSClient: Sendable {
    let client: AWSClient

    public init(context: AWSContext) {
        self.client = context.client(for: .sts)
    }

    package init(client: AWSClient) {
        self.client = client
    }

    /// The account, ARN and user id of the credentials in use. Needs no IAM permission.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let result = try await client.query("GetCallerIdentity", parameters: [])
        return CallerIdentity(
            account: result.string("Account") ?? "",
            arn: result.string("Arn") ?? "",
            userId: result.string("UserId") ?? "")
    }

    /// Temporary credentials for `input.roleArn`, signed with the current credentials.
    public func assumeRole(_ input: AssumeRoleInput) async throws -> AssumeRoleOutput {
        var parameters = [("RoleArn", input.roleArn), ("RoleSessionName", input.roleSessionName)]
        if let duration = input.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        if let externalId = input.externalId { parameters.append(("ExternalId", externalId)) }
        if let policy = input.policy { parameters.append(("Policy", policy)) }
        let result = try await client.query("AssumeRole", parameters: parameters)
        return try output(result, operation: "AssumeRole", source: "assume-role \(input.roleArn)")
    }

    /// Temporary credentials for `input.roleArn` in exchange for an OIDC token. Sent unsigned,
    /// as the token is the proof of identity.
    public func assumeRoleWithWebIdentity(_ input: AssumeRoleWithWebIdentityInput) async throws -> AssumeRoleOutput {
        var parameters = [
            ("RoleArn", input.roleArn), ("RoleSessionName", input.roleSessionName),
            ("WebIdentityToken", input.webIdentityToken.unsafeRevealed),
        ]
        if let duration = input.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        let result = try await client.unsigned().query("AssumeRoleWithWebIdentity", parameters: parameters)
        return try output(result, operation: "AssumeRoleWithWebIdentity", source: "web-identity \(input.roleArn)")
    }

    private func output(_ result: XMLNode, operation: String, source: String) throws -> AssumeRoleOutput {
        guard let node = result.child("Credentials"),
            let accessKeyId = node.string("AccessKeyId"), let secret = node.string("SecretAccessKey")
        else {
            throw AWSError(
                kind: .malformedResponse, service: .sts, operation: operation,
                serviceMessage: "the response had no <Credentials>", attempts: 1, credentials: nil, host: "sts")
        }
        let credentials = AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: SecretValue(secret),
            sessionToken: node.string("SessionToken").map(SecretValue.init),
            expiration: node.string("Expiration").flatMap(AWSTimestamp.parseISO8601),
            source: source)
        return AssumeRoleOutput(
            credentials: credentials,
            assumedRoleArn: result.child("AssumedRoleUser")?.string("Arn"),
            subjectFromWebIdentityToken: result.string("SubjectFromWebIdentityToken"))
    }
}
