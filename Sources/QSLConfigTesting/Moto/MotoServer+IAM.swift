import Foundation
import QSLConfigAWS
import QSLConfigCore

/// An IAM user created in moto, with its access key.
public struct MotoUser: Sendable, Hashable {
    public var name: String
    public var arn: String
    public var accessKeyId: String
    public var secretAccessKey: SecretValue

    /// The key pair as credentials, recorded as coming from `source`.
    public func credentials(source: String = "explicit options") -> AWSCredentials {
        AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, source: source)
    }
}

extension MotoServer {
    /// The account moto puts everything in.
    public static let accountId = "123456789012"

    /// A policy allowing everything this package calls.
    public static let allowAllPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:*","ssm:*","sts:*","iam:*"],"Resource":"*"}]}
        """

    /// An environment that sees only this server: endpoint, region, no shared files, no IMDS.
    public func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "AWS_ENDPOINT_URL": endpointURL,
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent/qsl-config-test/config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-config-test/credentials",
            "HOME": "/nonexistent/qsl-config-test",
        ]
        env.merge(extra) { $1 }
        return env
    }

    /// An IAM client for set-up calls made during moto's unauthenticated window (any key works).
    private func setupIAM() throws -> AWSClient {
        let context = try AWSContext(
            credentials: AWSCredentials(accessKeyId: "AKIDSETUP", secretAccessKey: SecretValue("setup"), source: "test setup"),
            environment: environment())
        return context.client(for: .iam)
    }

    /// Creates a user with an inline policy and an access key: three API calls, unsigned during
    /// moto's unauthenticated window, or signed by `creator` (who needs the IAM permissions)
    /// once moto enforces authentication.
    public func createUser(name: String, policy: String = MotoServer.allowAllPolicy, signedBy creator: MotoUser? = nil) async throws -> MotoUser {
        let iam = try creator.map { try AWSContext(credentials: $0.credentials(), environment: environment()).client(for: .iam) } ?? setupIAM()
        let user = try await iam.query("CreateUser", parameters: [("UserName", name)])
        _ = try await iam.query(
            "PutUserPolicy", parameters: [("UserName", name), ("PolicyName", "\(name)-policy"), ("PolicyDocument", policy)])
        let key = try await iam.query("CreateAccessKey", parameters: [("UserName", name)])
        guard let arn = user.child("User")?.string("Arn"), let access = key.child("AccessKey"),
            let id = access.string("AccessKeyId"), let secret = access.string("SecretAccessKey")
        else { throw Failure(description: "moto's CreateUser/CreateAccessKey response lacked the expected fields") }
        return MotoUser(name: name, arn: arn, accessKeyId: id, secretAccessKey: SecretValue(secret))
    }

    /// Creates a user whose only policy is the customer-managed policy `policy` (IAM allows
    /// 6,144 characters there, against 2,048 for a user's inline policies), and an access key:
    /// four API calls signed by `creator`, who needs the IAM permissions.
    ///
    /// moto checks a form-encoded request's signature against the body it re-encodes from the
    /// parsed form, which writes a space as `+`; pass the policy without whitespace.
    public func createUser(name: String, managedPolicy policy: String, signedBy creator: MotoUser) async throws -> MotoUser {
        let iam = try AWSContext(credentials: creator.credentials(), environment: environment()).client(for: .iam)
        let user = try await iam.query("CreateUser", parameters: [("UserName", name)])
        let created = try await iam.query("CreatePolicy", parameters: [("PolicyName", "\(name)-policy"), ("PolicyDocument", policy)])
        guard let policyArn = created.child("Policy")?.string("Arn") else {
            throw Failure(description: "moto's CreatePolicy response had no Arn")
        }
        _ = try await iam.query("AttachUserPolicy", parameters: [("UserName", name), ("PolicyArn", policyArn)])
        let key = try await iam.query("CreateAccessKey", parameters: [("UserName", name)])
        guard let arn = user.child("User")?.string("Arn"), let access = key.child("AccessKey"),
            let id = access.string("AccessKeyId"), let secret = access.string("SecretAccessKey")
        else { throw Failure(description: "moto's CreateUser/CreateAccessKey response lacked the expected fields") }
        return MotoUser(name: name, arn: arn, accessKeyId: id, secretAccessKey: SecretValue(secret))
    }

    /// Creates a role that `trustedPrincipalArn` may assume, with an inline policy: two API calls.
    /// Returns the role ARN.
    public func createRole(name: String, trustedPrincipalArn: String, policy: String = MotoServer.allowAllPolicy) async throws -> String {
        let iam = try setupIAM()
        let trust = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\(trustedPrincipalArn)"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}]}
            """
        let role = try await iam.query("CreateRole", parameters: [("RoleName", name), ("AssumeRolePolicyDocument", trust)])
        _ = try await iam.query(
            "PutRolePolicy", parameters: [("RoleName", name), ("PolicyName", "\(name)-policy"), ("PolicyDocument", policy)])
        guard let arn = role.child("Role")?.string("Arn") else {
            throw Failure(description: "moto's CreateRole response had no Arn")
        }
        return arn
    }
}
