import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

/// moto started with `INITIAL_NO_AUTH_ACTION_COUNT`: after the set-up calls it verifies each
/// request's SigV4 signature and evaluates IAM policies, so these tests prove signing for real.
@Suite("Signed requests against moto with authentication on")
struct AuthenticatedMotoTests {
    /// CreateUser, PutUserPolicy, CreateAccessKey for one user; CreateRole, PutRolePolicy.
    static let setupCalls = 5

    struct Fixture {
        let moto: MotoServer
        let user: MotoUser
        let roleArn: String
    }

    static func fixture(extraSetupCalls: Int = 0) async throws -> Fixture {
        let moto = try await MotoServer.start(initialNoAuthActionCount: setupCalls + extraSetupCalls)
        let user = try await moto.createUser(name: "qsl-deployer")
        let roleArn = try await moto.createRole(name: "qsl-runtime", trustedPrincipalArn: user.arn)
        return Fixture(moto: moto, user: user, roleArn: roleArn)
    }

    @Test("GetCallerIdentity signed with environment credentials names the user")
    func environmentCredentials() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let context = try TestContexts.live(endpoint: f.moto.endpointURL, environment: [
            "AWS_ACCESS_KEY_ID": f.user.accessKeyId, "AWS_SECRET_ACCESS_KEY": f.user.secretAccessKey.unsafeRevealed,
        ])
        let identity = try await STSClient(context: context).getCallerIdentity()
        #expect(identity.arn == f.user.arn)
        #expect(identity.account == MotoServer.accountId)
        let report = try await WhoamiReport.fetch(context: context)
        #expect(report.credentialSource == "environment")
        #expect(report.arn == f.user.arn)

        // Signed Secrets Manager, SSM and IAM calls pass moto's signature check too.
        let secrets = SecretsManagerClient(context: context)
        _ = try await secrets.createSecret(.init(name: "qsl/auth/one", secretString: SecretValue("s1")))
        #expect(try await secrets.getSecretValue(.init(secretId: "qsl/auth/one")).secretString?.unsafeRevealed == "s1")
        let ssm = SSMClient(context: context)
        _ = try await ssm.putParameter(.init(name: "/qsl/auth/p", value: SecretValue("p"), type: .secureString))
        #expect(try await ssm.getParameter(name: "/qsl/auth/p").value.unsafeRevealed == "p")
    }

    @Test("a wrong secret key surfaces SignatureDoesNotMatch as one clear sentence")
    func wrongSecretKey() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let context = try TestContexts.live(endpoint: f.moto.endpointURL, environment: [
            "AWS_ACCESS_KEY_ID": f.user.accessKeyId, "AWS_SECRET_ACCESS_KEY": "not-the-right-secret-key",
        ])
        let error = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(context: context).listSecrets()
        }
        let failure = try #require(error)
        #expect(failure.awsErrorCode == "SignatureDoesNotMatch")
        #expect(failure.httpStatus == 403)
        #expect(failure.attempts == 1)
        let text = "\(failure)"
        #expect(text.contains("secret access key is wrong for access key \(f.user.accessKeyId)"))
        #expect(text.contains("credentials from environment"))
        #expect(!text.contains("not-the-right-secret-key"))
        #expect(!text.contains("\n"))
    }

    @Test("an unknown access key is named as unknown")
    func unknownKey() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let context = try TestContexts.live(endpoint: f.moto.endpointURL, credentials: AWSCredentials(
            accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: SecretValue("x"), source: "explicit options"))
        let error = await #expect(throws: AWSError.self) {
            try await STSClient(context: context).getCallerIdentity()
        }
        #expect(error?.awsErrorCode == "InvalidClientTokenId")
        #expect("\(error!)".contains("does not recognise access key AKIAUNKNOWNKEY000000"))
    }

    @Test("AccessDenied names the action, the identity and what to grant")
    func accessDenied() async throws {
        let f = try await Self.fixture(extraSetupCalls: 3)
        defer { f.moto.stop() }
        let reader = try await f.moto.createUser(name: "qsl-reader", policy: """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:DescribeSecret"],"Resource":"*"}]}
            """)
        let context = try TestContexts.live(endpoint: f.moto.endpointURL, credentials: reader.credentials())
        let error = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(context: context).getSecretValue(.init(secretId: "qsl/production/jwt"))
        }
        let failure = try #require(error)
        #expect(failure.isAccessDenied)
        let text = "\(failure)"
        #expect(text.contains("AWS denied secretsmanager:GetSecretValue"))
        #expect(text.contains(reader.arn))
        #expect(text.contains("allow secretsmanager:GetSecretValue"))
    }

    @Test("a role profile (role_arn + source_profile) assumes the role through STS")
    func assumeRoleProfile() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestContexts.write("""
            [deployer]
            aws_access_key_id = \(f.user.accessKeyId)
            aws_secret_access_key = \(f.user.secretAccessKey.unsafeRevealed)
            """, to: directory.appendingPathComponent("credentials"))
        try TestContexts.write("""
            [profile runtime]
            role_arn = \(f.roleArn)
            source_profile = deployer
            role_session_name = qsl-test-session
            region = us-east-1
            """, to: directory.appendingPathComponent("config"))

        let context = try TestContexts.live(endpoint: f.moto.endpointURL, environment: [
            "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
        ], profile: "runtime")
        let report = try await WhoamiReport.fetch(context: context)
        #expect(report.credentialSource == "assume-role via profile runtime")
        #expect(report.arn == "arn:aws:sts::\(MotoServer.accountId):assumed-role/qsl-runtime/qsl-test-session")
        #expect(report.accessKeyId != f.user.accessKeyId)

        // The temporary credentials (with their session token) sign further calls.
        let secrets = SecretsManagerClient(context: context)
        _ = try await secrets.createSecret(.init(name: "qsl/role/secret", secretString: SecretValue("r")))
        #expect(try await secrets.describeSecret(secretId: "qsl/role/secret").name == "qsl/role/secret")
        let credentials = try await context.credentialsProvider.credentials()
        #expect(credentials.sessionToken != nil)
        #expect(credentials.expiration != nil)
    }

    @Test("STS AssumeRole directly returns working temporary credentials")
    func assumeRoleDirect() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let context = try TestContexts.live(endpoint: f.moto.endpointURL, credentials: f.user.credentials())
        let output = try await STSClient(context: context).assumeRole(.init(roleArn: f.roleArn, roleSessionName: "direct"))
        #expect(output.assumedRoleArn == "arn:aws:sts::\(MotoServer.accountId):assumed-role/qsl-runtime/direct")
        #expect(output.credentials.expiration != nil)
        let assumed = try TestContexts.live(endpoint: f.moto.endpointURL, credentials: output.credentials)
        #expect(try await STSClient(context: assumed).getCallerIdentity().arn == output.assumedRoleArn)
    }

    @Test("IAM access key lifecycle: create, list, update, use, delete")
    func iamAccessKeys() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let context = try TestContexts.live(endpoint: f.moto.endpointURL, credentials: f.user.credentials())
        let iam = IAMClient(context: context)

        let created = try await iam.createAccessKey(userName: f.user.name)
        #expect(created.status == "Active")
        #expect(!created.secretAccessKey.unsafeRevealed.isEmpty)
        #expect("\(created)".contains(created.secretAccessKey.unsafeRevealed) == false)

        // moto ignores MaxItems for ListAccessKeys (one page, IsTruncated false); Marker
        // pagination is proven with a scripted transport in IAMClientTests.
        let all = try await iam.listAllAccessKeys(userName: f.user.name, pageSize: 1)
        #expect(Set(all.map(\.accessKeyId)) == [f.user.accessKeyId, created.accessKeyId])

        try await iam.updateAccessKey(userName: f.user.name, accessKeyId: created.accessKeyId, status: .inactive)
        let afterUpdate = try await iam.listAllAccessKeys(userName: f.user.name)
        #expect(afterUpdate.first { $0.accessKeyId == created.accessKeyId }?.status == "Inactive")

        // The new key signs requests too, before it is deleted.
        let newKey = try TestContexts.live(endpoint: f.moto.endpointURL, credentials: AWSCredentials(
            accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, source: "new key"))
        #expect(try await STSClient(context: newKey).getCallerIdentity().arn == f.user.arn)

        try await iam.deleteAccessKey(userName: f.user.name, accessKeyId: created.accessKeyId)
        #expect(try await iam.listAllAccessKeys(userName: f.user.name).map(\.accessKeyId) == [f.user.accessKeyId])
    }

    @Test("container credentials from a local endpoint sign requests moto accepts")
    func containerCredentials() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let temporary = try await STSClient(context: try TestContexts.live(endpoint: f.moto.endpointURL, credentials: f.user.credentials()))
            .assumeRole(.init(roleArn: f.roleArn, roleSessionName: "ecs-task")).credentials
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try TestContexts.write("container-auth-token\n", to: tokenFile)
        let endpoint = try LocalHTTPServer.containerCredentials(authorizationToken: "container-auth-token", credentials: temporary)
        defer { endpoint.stop() }

        let context = try TestContexts.live(endpoint: f.moto.endpointURL, environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoint.baseURL + "/v2/credentials/test",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
        ])
        let report = try await WhoamiReport.fetch(context: context)
        #expect(report.credentialSource == "container")
        #expect(report.arn.hasSuffix("assumed-role/qsl-runtime/ecs-task"))
        #expect(endpoint.requests.first?.headers["Authorization"] == "container-auth-token")
    }

    @Test("IMDSv2 credentials from a local metadata service sign requests moto accepts")
    func instanceMetadataCredentials() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let temporary = try await STSClient(context: try TestContexts.live(endpoint: f.moto.endpointURL, credentials: f.user.credentials()))
            .assumeRole(.init(roleArn: f.roleArn, roleSessionName: "ec2-instance")).credentials
        let imds = try LocalHTTPServer.instanceMetadata(credentials: temporary)
        defer { imds.stop() }

        let context = try TestContexts.live(endpoint: f.moto.endpointURL, environment: [
            "AWS_EC2_METADATA_DISABLED": "false",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.baseURL,
        ])
        let report = try await WhoamiReport.fetch(context: context)
        #expect(report.credentialSource == "imds")
        #expect(report.arn.hasSuffix("assumed-role/qsl-runtime/ec2-instance"))
        #expect(imds.requests.map { "\($0.method) \($0.path)" }.prefix(3) == [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/qsl-test-role",
        ])
    }
}

@Suite("Web identity against moto")
struct WebIdentityMotoTests {
    @Test("AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN exchange the token for role credentials")
    func webIdentity() async throws {
        // AssumeRoleWithWebIdentity is unsigned, so this moto leaves authentication off.
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let roleArn = try await moto.createRole(name: "qsl-ci", trustedPrincipalArn: "arn:aws:iam::\(MotoServer.accountId):root")
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("oidc-token")
        try TestContexts.write("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl", to: tokenFile)

        let context = try TestContexts.live(endpoint: moto.endpointURL, environment: [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
            "AWS_ROLE_ARN": roleArn,
            "AWS_ROLE_SESSION_NAME": "github-actions",
        ])
        let credentials = try await context.credentialsProvider.credentials()
        #expect(credentials.source == "web-identity")
        #expect(credentials.sessionToken != nil)
        let report = try await WhoamiReport.fetch(context: context)
        #expect(report.credentialSource == "web-identity")
        #expect(report.arn.hasSuffix("assumed-role/qsl-ci/github-actions"))
    }
}
