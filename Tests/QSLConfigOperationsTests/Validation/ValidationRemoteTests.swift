import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting
import Testing

/// `--remote` against moto_server: every referenced secret and parameter is checked with
/// metadata calls only, and no value ever crosses the wire.
@Suite("validate --remote against moto")
struct ValidationRemoteTests {
    static let canary = ValidationFixture.canary

    static func store(endpoint: String) throws -> AWSSecretStore {
        AWSSecretStore(
            context: try AWSContext(
                region: "us-east-1", endpointURL: endpoint,
                credentials: AWSCredentials(accessKeyId: "AKIDVALIDATE", secretAccessKey: SecretValue("validate-test-secret-key"), source: "test"),
                environment: ["AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent/qsl-validate"]))
    }

    @Test("missing secrets, stages and parameters are findings at each reference; only DescribeSecret and GetParameters without decryption are sent")
    func metadataOnly() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let setup = try Self.store(endpoint: moto.endpointURL)
        _ = try await setup.createSecret(
            CreateSecretRequest(name: "qsl/production/jwt", value: .string(SecretValue(#"{"secret":"\#(Self.canary)"}"#)), clientRequestToken: UUID().uuidString))
        _ = try await setup.createSecret(
            CreateSecretRequest(name: "qsl/production/neon/userservice", value: .string(SecretValue("Host=db;Password=\(Self.canary)")), clientRequestToken: UUID().uuidString))
        try await setup.putParameter("/qsl/production/config/kestra/url", value: "https://kestra.example", secure: false)
        try await setup.putParameter("/qsl/production/config/otel/token", value: Self.canary, secure: true)

        let fixture = try ValidationFixture([
            "appsettings.json": """
            {
              "Kestrel": { "Port": 80 },
              "Security": { "JWT": { "Secret": "${aws:secrets:qsl/production/jwt:secret}", "Issuer": "${aws:parameter:/qsl/production/config/kestra/url}" } },
              "ConnectionStrings": {
                "postgres-userservice": "${aws:secrets:qsl/production/neon/userservice}",
                "previous": "${aws:secrets:qsl/production/jwt:secret:AWSPREVIOUS}",
                "missing": "${aws:secrets:qsl/production/neon/nope}",
                "token": "api-key=${aws:parameter:/qsl/production/config/otel/token}",
                "gone": "${aws:parameter:/qsl/production/config/gone}",
                "old-version": "${aws:ssm:/qsl/production/config/kestra/url:7}",
                "again": "${aws:secrets:qsl/production/neon/nope}"
              }
            }
            """
        ])
        // Every request the validation sends goes through this proxy, which records it.
        let proxy = try FaultInjectingProxy(upstreamPort: moto.port, faults: [])
        defer { proxy.stop() }
        let counting = CountingSecretStore(try Self.store(endpoint: proxy.baseURL))
        var request = fixture.request()
        request.remoteStore = { _ in counting }
        let report = try await fixture.run(request)

        let remote = report.diagnostics.filter { $0.rule == "secret-missing" || $0.rule == "parameter-missing" }
        #expect(Dictionary(grouping: remote, by: { $0.keyPath ?? "" }).mapValues { $0.map(\.rule!) } == [
            "ConnectionStrings:previous": ["secret-missing"],
            "ConnectionStrings:missing": ["secret-missing"],
            "ConnectionStrings:again": ["secret-missing"],
            "ConnectionStrings:gone": ["parameter-missing"],
            "ConnectionStrings:old-version": ["parameter-missing"],
        ])
        #expect(remote.allSatisfy { $0.location?.file == fixture.path("service/appsettings.json") })
        let missing = try #require(remote.first { $0.keyPath == "ConnectionStrings:missing" })
        #expect(missing.location?.line == 7)
        #expect(missing.message.contains("qsl/production/neon/nope") && missing.message.contains("does not exist"))
        #expect(report.checkedRemote)
        #expect(report.exitStatus == 1)
        #expect(!ValidationFixture.allOutput(report).contains(Self.canary))

        // Through the store protocol: metadata methods only, each secret described once.
        #expect(Set(counting.calls.keys) == ["describeSecret", "parameterMetadata"], "\(counting.calls)")
        #expect(counting.calls["describeSecret"] == 3, "jwt, neon/userservice and neon/nope, once each")
        // On the wire: the same, and GetParameters never asks for decryption.
        let targets = proxy.exchanges.map { $0.request.headers["X-Amz-Target"] ?? $0.request.target }
        #expect(Set(targets) == ["secretsmanager.DescribeSecret", "AmazonSSM.GetParameters"], "\(targets)")
        for exchange in proxy.exchanges where exchange.request.headers["X-Amz-Target"] == "AmazonSSM.GetParameters" {
            let body = try #require(try JSONSerialization.jsonObject(with: Data(exchange.request.body)) as? [String: Any])
            #expect(body["WithDecryption"] as? Bool == false)
        }
    }

    @Test("a store that cannot be reached fails the run as a store failure (exit 3), not as findings")
    func unreachableStore() async throws {
        let fixture = try ValidationFixture([
            "appsettings.json": #"{"Kestrel": {}, "ConnectionStrings": {"db": "${aws:secrets:qsl/production/db}"}}"#
        ])
        // The discard port, where nothing listens here: the client's retries end in a transport error.
        var request = fixture.request()
        let store = try Self.store(endpoint: "http://127.0.0.1:9")
        request.remoteStore = { _ in store }
        do {
            _ = try await fixture.run(request)
            Issue.record("expected a store failure")
        } catch let error as ValidationError {
            #expect(error.isStoreFailure)
            #expect(error.diagnostics.first?.rule == "store")
        } catch {
            Issue.record("expected a ValidationError, got \(error)")
        }
    }
}
