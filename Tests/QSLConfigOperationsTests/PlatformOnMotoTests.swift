import Foundation
import QSLConfig
import QSLConfigOperations
import QSLConfigAWS
import QSLConfigCore
import QSLConfigOperations
import QSLConfigTesting
import Testing
import QSLConfigAWSURLSession

// MARK: The platform's 22 services in one pass

@Suite("The platform on moto", .serialized)
struct PlatformOnMotoTests {
    /// A store whose requests go through `transport` (a plain URLSession one by default) to moto.
    static func store(_ moto: MotoServer, transport: (any AWSHTTPTransport)? = nil) throws -> AWSSecretStore {
        let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: SecretValue("testing"), source: "test")
        let context = try AWSContext(
            credentials: credentials, environment: moto.environment(), runtime: AWSRuntime(transport: transport ?? URLSessionTransport()))
        return AWSSecretStore(context: context)
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("the platform's 22 production services resolve in one pass: one prefix listing plus ceil(secrets/20) + ceil(parameters/10) calls")
    func platformInOnePass() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let seeder = try Self.store(moto)
        let root = try PlatformRoot(path: Self.repositoryRoot)
        let production = try root.environment("production")
        let ids = root.catalogue.services.map(\.id)
        #expect(ids.count == 22)

        // What the services reference, read with references kept; then seed exactly that.
        var jsonKeys: [String: Set<String>] = [:]
        var parameters: Set<String> = []
        var references = 0
        let loader = ConfigurationLoader()
        for id in ids {
            let options = try root.options(service: id, environment: production, environmentVariables: [:], store: nil, keepAWSReferences: true)
            for site in ReferenceScan(try await loader.layers(options).configuration).sites {
                switch site.reference {
                case .secret(let secret):
                    references += 1
                    jsonKeys[secret.secretId, default: []].formUnion(secret.jsonKey.map { [$0] } ?? [])
                case .parameter(let parameter):
                    references += 1
                    parameters.insert(parameter.name)
                case .environment: break
                }
            }
        }
        for (name, keys) in jsonKeys {
            let value = keys.isEmpty ? "Host=fake.example;Password=fake-\(name)" : "{" + keys.sorted().map { #""\#($0)":"fake-\#($0)""# }.joined(separator: ",") + "}"
            _ = try await seeder.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue(value)), clientRequestToken: UUID().uuidString))
        }
        for name in parameters { try await seeder.putParameter(name, value: "fake-\(name)", secure: false) }
        // The production files set AWS:ParameterStorePrefix, so every service also gets that layer.
        try await seeder.putParameter("/qsl/production/config/Features/FromParameterStore", value: "yes", secure: false)

        let transport = RecordingTransport(URLSessionTransport())
        let store = try Self.store(moto, transport: transport)
        let options = try ids.map { try root.options(service: $0, environment: production, environmentVariables: [:], store: store) }
        let (resolved, statistics) = try await loader.loadAll(options)

        let secretCalls = (jsonKeys.count + 19) / 20
        let parameterCalls = (parameters.count + 9) / 10
        #expect(references > 100, "the platform is reference-heavy: \(references)")
        #expect(statistics.uniqueSecrets == jsonKeys.count)
        #expect(statistics.uniqueParameters == parameters.count)
        #expect(transport.operations.filter { $0 == "secretsmanager.BatchGetSecretValue" }.count == secretCalls)
        #expect(transport.operations.filter { $0 == "AmazonSSM.GetParameters" }.count == parameterCalls)
        // Eight parameters under the prefix: one page.
        #expect(transport.operations.filter { $0 == "AmazonSSM.GetParametersByPath" }.count == 1, "one listing of the prefix for all 22 services")
        #expect(transport.operations.count == secretCalls + parameterCalls + 1, "\(transport.operations)")
        #expect(resolved.count == 22)
        #expect(resolved.allSatisfy { $0.string("Features:FromParameterStore") == "yes" })
        let user = resolved[ids.firstIndex(of: "userservice")!]
        #expect(user.string("Logto:ClientId") == "fake-clientId")
        #expect(user[ConfigKey("Logto:ClientId")]?.sensitivity == .fromSecret)
    }
}
