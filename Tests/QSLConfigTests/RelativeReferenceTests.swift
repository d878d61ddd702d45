import Foundation
import QSLConfig
import QSLConfigCore
import Testing

/// `${aws:secrets:./NAME}`: a secret named under the configuration's own
/// `AWS:SecretsManagerPrefix`, which `migrate` writes into files several environments load.
@Suite("relative secret references")
struct RelativeReferenceTests {
    static func folder(_ base: String, overlay: String?) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-relative-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try base.write(to: folder.appendingPathComponent("appsettings.json"), atomically: true, encoding: .utf8)
        if let overlay { try overlay.write(to: folder.appendingPathComponent("appsettings.Production.json"), atomically: true, encoding: .utf8) }
        return folder.path
    }

    @Test("a relative reference resolves under the prefix the winning layers set, JSON key included")
    func resolvesUnderPrefix() async throws {
        let store = LocalSecretStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("qsl-relative-store-\(UUID().uuidString)/s.json").path)
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/production/kestra", value: .string(SecretValue(#"{"password":"p-prod"}"#)), clientRequestToken: UUID().uuidString))
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/staging/kestra", value: .string(SecretValue(#"{"password":"p-staging"}"#)), clientRequestToken: UUID().uuidString))
        let base = #"{"Kestra": {"Password": "${aws:secrets:./kestra:password}"}, "AWS": {"SecretsManagerPrefix": "qsl/staging/"}}"#
        let staging = try Self.folder(base, overlay: nil)
        let production = try Self.folder(base, overlay: #"{"AWS": {"SecretsManagerPrefix": "qsl/production/"}}"#)
        let loader = ConfigurationLoader()
        let options = [
            ConfigurationOptions(configDirectory: staging, environmentName: "Production", environmentVariables: [:], environmentIsLayer: false, store: store),
            ConfigurationOptions(configDirectory: production, environmentName: "Production", environmentVariables: [:], environmentIsLayer: false, store: store),
        ]
        let (resolved, _) = try await loader.loadAll(options)
        #expect(resolved.map { $0.string("Kestra:Password") } == ["p-staging", "p-prod"])
    }

    @Test("a relative reference without a literal prefix is an error naming the key and file")
    func needsPrefix() async throws {
        let folder = try Self.folder(#"{"Kestra": {"Password": "${aws:secrets:./kestra:password}"}}"#, overlay: nil)
        let options = ConfigurationOptions(configDirectory: folder, environmentVariables: [:], environmentIsLayer: false)
        do {
            _ = try await ConfigurationLoader().load(options)
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.contains("appsettings.json:1:"), "\(text)")
            #expect(text.contains("'Kestra:Password'") && text.contains("AWS:SecretsManagerPrefix"), "\(text)")
        }
    }

    @Test("the canonical spelling keeps the relative marker")
    func canonical() throws {
        let template = try PlaceholderTemplate(parsing: "${aws:secrets:./neon/userservice}")
        guard case .secret(let secret) = template.references.first else { Issue.record("not a secret reference"); return }
        #expect(secret.isRelative)
        #expect(secret.resolvingRelative(under: "qsl/production/").secretId == "qsl/production/neon/userservice")
        #expect(secret.resolvingRelative(under: "qsl/production").secretId == "qsl/production/neon/userservice")
    }
}
