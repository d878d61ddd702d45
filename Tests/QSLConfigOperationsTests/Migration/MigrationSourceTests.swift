import Foundation
import QSLConfig
import QSLConfigCore
@testable import QSLConfigOperations
import Testing

/// The source environment after `migrate`: it keeps resolving every value it had, where the
/// catalogue lets it, and the end check proves so.
@Suite("migrate: the source environment afterwards")
struct MigrationSourceTests {
    static let smoke = """
        {"name": "smoke", "aspnetEnvironment": "Smoke", "region": "us-east-1", "account": "123456789012",
         "secretsPrefix": "qsl/smoke/", "parameterPrefix": "/qsl/smoke/config/", "kmsKeyAlias": "alias/qsl-smoke",
         "store": {"kind": "local", "path": ".qsl/local-store.json"}, "plainSecretsAllowed": false,
         "naming": {"postgres": "{prefix}neon/{slug}", "redis": "{prefix}redis/connection", "default": "{prefix}{service}/{section}"}}
        """
    static let production = """
        {"name": "production", "aspnetEnvironment": "Production", "region": "us-east-1", "account": "123456789012",
         "secretsPrefix": "qsl/production/", "parameterPrefix": "/qsl/production/config/", "kmsKeyAlias": "alias/qsl-production",
         "store": {"kind": "local", "path": ".qsl/local-store.json"}, "plainSecretsAllowed": false,
         "naming": {"postgres": "{prefix}neon/{slug}", "redis": "{prefix}redis/connection", "default": "{prefix}{service}/{section}"}}
        """

    /// Two services with a shared folder: `alpha` reads the shared `AWS` section, `beta` does
    /// not. Each holds a smoke-test password in its own base file; the shared base file holds
    /// the Redis string both read. `smokeOverlay` is beta's own Smoke overlay, if any.
    static func tree(betaSmokeOverlay: String? = nil) throws -> String {
        let root = try PlatformFixtures.temporaryDirectory("migrate-source")
        func write(_ path: String, _ text: String) throws {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: AtomicFile.parentDirectory(of: full), withIntermediateDirectories: true)
            try AtomicFile.write(Array(text.utf8), to: full, mode: 0o644)
        }
        try write(
            "environments/services.json",
            """
            {"shared": {"folder": "shared"}, "services": [
              {"id": "alpha", "folder": "services/alpha", "kind": "service", "schema": "../schemas/service.schema.json", "connectionStrings": ["cache"], "sharedSections": ["ConnectionStrings", "AWS"]},
              {"id": "beta", "folder": "services/beta", "kind": "service", "schema": "../schemas/service.schema.json", "connectionStrings": ["cache"], "sharedSections": ["ConnectionStrings"]}
            ]}
            """)
        try write(
            "schemas/service.schema.json",
            #"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"Smtp": {"type": "object", "properties": {"Password": {"type": "string", "writeOnly": true}}}}}"#)
        try write("environments/smoke.json", smoke)
        try write("environments/production.json", production)
        try write("shared/appsettings.json", #"{"ConnectionStrings": {"cache": "cache.internal:6379,password=Rd5sm0keSharedPw9,ssl=True"}}"#)
        try write("services/alpha/appsettings.json", #"{"Smtp": {"Host": "smtp.example", "Password": "AlphaSm7pPw4Qz8"}}"#)
        try write("services/beta/appsettings.json", #"{"Smtp": {"Host": "smtp.example", "Password": "BetaSm7pPw5Rx2"}}"#)
        if let betaSmokeOverlay { try write("services/beta/appsettings.Smoke.json", betaSmokeOverlay) }
        return root
    }

    /// `service` resolved in `environment` against `store`.
    static func resolve(_ root: String, _ service: String, in environment: String, store: LocalSecretStore) async throws -> ResolvedConfiguration {
        let platform = try PlatformRoot(path: root)
        var options = try platform.options(
            service: service, environment: try platform.environment(environment), environmentVariables: [:], environmentIsLayer: false, store: store)
        options.loadsParameterStore = false
        return try await ConfigurationLoader().load(options)
    }

    @Test("a service that does not read the shared AWS section gets the prefix in its own source overlay, and smoke still resolves every value for both")
    func prefixWhereEachServiceReadsIt() async throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = LocalSecretStore(path: root + "/.qsl/store.json")
        let report = try await MigrationOperation().run(MigrationRequest(root: root, from: "smoke", to: "production") { _ in store })
        #expect(report.exitStatus == 0 && report.wrote, "\(report.text())")
        #expect(report.endCheckFailures.isEmpty, "\(report.endCheckFailures.map(\.description))")

        let shared = String(decoding: try FileBytes.read(root + "/shared/appsettings.Smoke.json"), as: UTF8.self)
        #expect(shared.contains(#""SecretsManagerPrefix": "qsl/production/""#))
        let beta = String(decoding: try FileBytes.read(root + "/services/beta/appsettings.Smoke.json"), as: UTF8.self)
        #expect(beta.contains(#""SecretsManagerPrefix": "qsl/production/""#))
        #expect(!FileManager.default.fileExists(atPath: root + "/services/alpha/appsettings.Smoke.json"), "alpha reads the shared prefix")

        let expected = [
            ("alpha", "Smtp:Password", "AlphaSm7pPw4Qz8"), ("beta", "Smtp:Password", "BetaSm7pPw5Rx2"),
            ("alpha", "ConnectionStrings:cache", "cache.internal:6379,password=Rd5sm0keSharedPw9,ssl=True"),
            ("beta", "ConnectionStrings:cache", "cache.internal:6379,password=Rd5sm0keSharedPw9,ssl=True"),
        ]
        for environment in ["smoke", "production"] {
            for (service, key, value) in expected {
                let resolved = try await Self.resolve(root, service, in: environment, store: store)
                #expect(resolved.string(ConfigKey(key)) == value, "\(service) in \(environment): \(key)")
            }
        }
    }

    @Test("a source that sets its own prefix is warned that it now reads its values under that prefix, and the end check does not count them")
    func sourceWithItsOwnPrefixIsWarned() async throws {
        let root = try Self.tree(betaSmokeOverlay: #"{"AWS": {"SecretsManagerPrefix": "qsl/smoke/"}}"#)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = LocalSecretStore(path: root + "/.qsl/store.json")
        let report = try await MigrationOperation().run(MigrationRequest(root: root, from: "smoke", to: "production") { _ in store })
        #expect(report.exitStatus == 0 && report.wrote, "\(report.text())")
        #expect(report.endCheckFailures.isEmpty, "\(report.endCheckFailures.map(\.description))")
        let warned = report.plan.warnings.filter { $0.rule == "migrate-environment" && $0.message.hasPrefix("smoke (beta)") }
        #expect(warned.contains { $0.message.contains("qsl/smoke/beta/smtp") }, "\(report.plan.warnings.map(\.description))")
        #expect(!report.plan.warnings.contains { $0.message.hasPrefix("smoke (alpha)") })
        // beta's overlay keeps its own prefix; nothing is added to it.
        let beta = String(decoding: try FileBytes.read(root + "/services/beta/appsettings.Smoke.json"), as: UTF8.self)
        #expect(beta == #"{"AWS": {"SecretsManagerPrefix": "qsl/smoke/"}}"#)
    }

    @Test("a source with a store of its own is warned before anything is written, and the end check reads the source from that store")
    func sourceWithItsOwnStore() async throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = LocalSecretStore(path: root + "/.qsl/production.json")
        let smoke = LocalSecretStore(path: root + "/.qsl/smoke.json")
        let report = try await MigrationOperation().run(MigrationRequest(root: root, from: "smoke", to: "production") { $0.name == "smoke" ? smoke : target })
        #expect(report.plan.warnings.contains { $0.message.hasPrefix("smoke reads another store than production") }, "\(report.plan.warnings.map(\.description))")
        // Smoke's store holds none of the migrated secrets: the source no longer resolves, and
        // the end check says so (exit 1), where reading it from the target's store would not.
        #expect(report.exitStatus == 1 && report.wrote)
        #expect(report.endCheckFailures.contains { $0.message.hasPrefix("end check (smoke):") }, "\(report.endCheckFailures.map(\.description))")
        #expect(!report.endCheckFailures.contains { $0.message.hasPrefix("end check (production):") })
    }

    @Test("the end check covers the source: a source overlay that loses its prefix after the rewrite is a finding naming the source")
    func endCheckCoversTheSource() async throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = LocalSecretStore(path: root + "/.qsl/store.json")
        var request = MigrationRequest(root: root, from: "smoke", to: "production") { _ in store }
        request.endCheck = false
        let report = try await MigrationOperation().run(request)
        #expect(report.exitStatus == 0 && report.wrote, "\(report.text())")
        // Break the source after the fact: beta's overlay now names another prefix.
        try AtomicFile.write(Array(#"{"AWS": {"SecretsManagerPrefix": "qsl/elsewhere/"}}"#.utf8), to: root + "/services/beta/appsettings.Smoke.json", mode: 0o644)
        let platform = try PlatformRoot(path: root)
        let (failures, _, storeFailed) = try await MigrationOperation.endCheck(report.plan, root: platform, store: store)
        #expect(!storeFailed)
        #expect(failures.contains { $0.message.contains("smoke") && $0.keyPath == "Smtp:Password" }, "\(failures.map(\.description))")
    }
}
