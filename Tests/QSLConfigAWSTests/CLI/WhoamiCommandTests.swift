import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

/// `qsl-config whoami`, end to end: the built binary against moto with authentication on.
@Suite("qsl-config whoami")
struct WhoamiCommandTests {
    static func environment(_ moto: MotoServer, _ extra: [String: String] = [:]) -> [String: String] {
        var env = TestContexts.isolatedEnvironment
        env["AWS_REGION"] = "us-east-1"
        env.merge(extra) { $1 }
        _ = moto
        return env
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("environment credentials, JSON and text output")
    func environmentCredentials() async throws {
        let f = try await AuthenticatedMotoTests.fixture()
        defer { f.moto.stop() }
        let env = Self.environment(f.moto, [
            "AWS_ACCESS_KEY_ID": f.user.accessKeyId, "AWS_SECRET_ACCESS_KEY": f.user.secretAccessKey.unsafeRevealed,
        ])
        let result = try await CommandLineRun.run(["whoami", "--endpoint-url", f.moto.endpointURL, "--format", "json"], environment: env)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Self.json(result.stdout)
        #expect(object["Account"] as? String == MotoServer.accountId)
        #expect(object["Arn"] as? String == f.user.arn)
        #expect((object["UserId"] as? String)?.isEmpty == false)
        #expect(object["CredentialSource"] as? String == "environment")
        #expect(object["Region"] as? String == "us-east-1")
        let endpoints = try #require(object["Endpoints"] as? [String: Any])
        #expect(endpoints["sts"] as? String == f.moto.endpointURL)
        #expect(endpoints["secretsmanager"] as? String == f.moto.endpointURL)
        #expect(!result.stdout.contains(f.user.secretAccessKey.unsafeRevealed))

        let text = try await CommandLineRun.run(["whoami", "--endpoint-url", f.moto.endpointURL], environment: env)
        #expect(text.status == 0)
        #expect(text.stdout.contains("ARN:               \(f.user.arn)"))
        #expect(text.stdout.contains("Credential source: environment"))
        #expect(text.stdout.contains("Region:            us-east-1"))
        #expect(text.stdout.contains("sts              \(f.moto.endpointURL) [--endpoint-url]"))
    }

    @Test("a role profile from the shared files")
    func roleProfile() async throws {
        let f = try await AuthenticatedMotoTests.fixture()
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
            role_session_name = cli-session
            region = eu-west-1
            endpoint_url = \(f.moto.endpointURL)
            """, to: directory.appendingPathComponent("config"))
        var env = TestContexts.isolatedEnvironment
        env["AWS_CONFIG_FILE"] = directory.appendingPathComponent("config").path
        env["AWS_SHARED_CREDENTIALS_FILE"] = directory.appendingPathComponent("credentials").path

        let result = try await CommandLineRun.run(["whoami", "--profile", "runtime", "--format", "json"], environment: env)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Self.json(result.stdout)
        #expect(object["CredentialSource"] as? String == "assume-role via profile runtime")
        #expect(object["Arn"] as? String == "arn:aws:sts::\(MotoServer.accountId):assumed-role/qsl-runtime/cli-session")
        #expect(object["Region"] as? String == "eu-west-1")
        #expect(object["Profile"] as? String == "runtime")
    }

    @Test("container credentials")
    func containerCredentials() async throws {
        let f = try await AuthenticatedMotoTests.fixture()
        defer { f.moto.stop() }
        let temporary = try await STSClient(context: try TestContexts.live(endpoint: f.moto.endpointURL, credentials: f.user.credentials()))
            .assumeRole(.init(roleArn: f.roleArn, roleSessionName: "cli-task")).credentials
        let endpoint = try LocalHTTPServer.containerCredentials(authorizationToken: "cli-token", credentials: temporary)
        defer { endpoint.stop() }
        let env = Self.environment(f.moto, [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoint.baseURL + "/v2/credentials/test",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "cli-token",
        ])
        let result = try await CommandLineRun.run(["whoami", "--endpoint-url", f.moto.endpointURL, "--format", "json"], environment: env)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Self.json(result.stdout)
        #expect(object["CredentialSource"] as? String == "container")
        #expect((object["Arn"] as? String)?.hasSuffix("assumed-role/qsl-runtime/cli-task") == true)
    }

    @Test("an AWS failure exits 3 with one sentence on stderr")
    func awsFailure() async throws {
        let f = try await AuthenticatedMotoTests.fixture()
        defer { f.moto.stop() }
        let env = Self.environment(f.moto, ["AWS_ACCESS_KEY_ID": f.user.accessKeyId, "AWS_SECRET_ACCESS_KEY": "wrong-secret"])
        let result = try await CommandLineRun.run(["whoami", "--endpoint-url", f.moto.endpointURL], environment: env)
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.contains("the secret access key is wrong for access key \(f.user.accessKeyId)"))
        #expect(result.stderr.contains("SignatureDoesNotMatch"))
        #expect(!result.stderr.contains("wrong-secret"))
    }

    @Test("no credentials anywhere exits 3 and lists what was tried")
    func noCredentials() async throws {
        let result = try await CommandLineRun.run(
            ["whoami", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"], environment: TestContexts.isolatedEnvironment)
        #expect(result.status == 3)
        #expect(result.stderr.contains("No AWS credentials found"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("an unreachable endpoint exits 3 after the retries")
    func unreachable() async throws {
        var env = TestContexts.isolatedEnvironment
        env["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE"
        env["AWS_SECRET_ACCESS_KEY"] = "x"
        let closed = try ClosedPort()
        let port = closed.port
        let result = try await CommandLineRun.run(["whoami", "--endpoint-url", "http://127.0.0.1:\(port)"], environment: env)
        withExtendedLifetime(closed) {}
        #expect(result.status == 3)
        #expect(result.stderr.contains("Could not connect to 127.0.0.1:\(port)"))
    }

    @Test("bad usage and bad input exit 2", arguments: [
        ["whoami", "--format", "yaml"],
        ["whoami", "--no-such-flag"],
        ["whoami", "--endpoint-url", "http://sts.example.com"],
        ["whoami", "--profile", "missing-profile"],
    ])
    func badUsage(_ arguments: [String]) async throws {
        var env = TestContexts.isolatedEnvironment
        env["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE"
        env["AWS_SECRET_ACCESS_KEY"] = "x"
        let result = try await CommandLineRun.run(arguments, environment: env)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }
}

/// A loopback port nothing listens on, and nothing else can take while this lives: a socket is
/// bound to it but never listens, so a connection is refused. (A port a listener had and let go
/// of could be handed to another test's server, moto's say, during a run that lasts a minute.)
final class ClosedPort {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
