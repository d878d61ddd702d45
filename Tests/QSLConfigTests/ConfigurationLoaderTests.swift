import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigTesting
import Testing

/// `ConfigurationLoader`, the one path that assembles layers: several services in one pass,
/// each resolved against its own store.
@Suite("configuration loader")
struct ConfigurationLoaderTests {
    /// A service folder whose `Db:Password` names `qsl/test/db` and whose files set the
    /// Parameter Store prefix.
    static func service(_ name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-loader-\(UUID().uuidString)/\(name)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try #"{"Db": {"Password": "${aws:secrets:qsl/test/db}"}, "AWS": {"ParameterStorePrefix": "/qsl/test/config"}}"#
            .write(to: folder.appendingPathComponent("appsettings.json"), atomically: true, encoding: .utf8)
        return folder.path
    }

    /// A local store holding `qsl/test/db` and one parameter under the prefix, both `value`.
    static func store(holding value: String) async throws -> LocalSecretStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-loader-store-\(UUID().uuidString)/store.json").path
        let store = LocalSecretStore(path: path)
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/test/db", value: .string(SecretValue(value)), clientRequestToken: UUID().uuidString))
        try await store.putParameter("/qsl/test/config/Origin", value: value, secure: false)
        return store
    }

    @Test("a folder or a FIFO where an appsettings file belongs is an error at 1:1 naming it, never skipped as an absent overlay or called missing")
    func specialFilesAreNamed() throws {
        let folder = try Self.service("special")
        let overlay = folder + "/appsettings.Production.json"
        try FileManager.default.createDirectory(atPath: overlay, withIntermediateDirectories: false)
        func problems() -> [String] {
            do {
                _ = try AppsettingsDirectory(path: folder).readDocuments(environment: "Production")
                return []
            } catch {
                return error.diagnostics.map(\.description)
            }
        }
        #expect(problems() == ["\(overlay):1:1: error: this is a directory, not a file [io]"])
        try FileManager.default.removeItem(atPath: overlay)
        #expect(mkfifo(overlay, 0o600) == 0)
        #expect(problems() == ["\(overlay):1:1: error: this is a FIFO (named pipe), not a regular file [io]"])
        try FileManager.default.removeItem(atPath: overlay)
        #expect(problems().isEmpty, "an absent overlay is no problem")
        let base = folder + "/appsettings.json"
        try FileManager.default.removeItem(atPath: base)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        #expect(problems() == ["\(base):1:1: error: this is a directory, not a file [io]"])
    }

    @Test("services on different stores are each resolved against their own store, in one loadAll")
    func eachServiceItsOwnStore() async throws {
        let blue = try await Self.store(holding: "blue")
        let green = try await Self.store(holding: "green")
        let options = [
            ConfigurationOptions(configDirectory: try Self.service("a"), environmentVariables: [:], environmentIsLayer: false, store: blue),
            ConfigurationOptions(configDirectory: try Self.service("b"), environmentVariables: [:], environmentIsLayer: false, store: green),
            ConfigurationOptions(configDirectory: try Self.service("c"), environmentVariables: [:], environmentIsLayer: false, store: blue),
        ]
        let (resolved, statistics) = try await ConfigurationLoader().loadAll(options)
        #expect(resolved.map { $0.string("Db:Password") } == ["blue", "green", "blue"])
        #expect(resolved.map { $0.string("Origin") } == ["blue", "green", "blue"], "each store's own Parameter Store layer")
        #expect(statistics.uniqueSecrets == 2, "one secret per store")
    }

    @Test("services on one store share one batched pass: a secret they all use is fetched once")
    func oneStoreOnePass() async throws {
        let store = CountingSecretStore(try await Self.store(holding: "blue"))
        let options = try (0..<3).map { index in
            ConfigurationOptions(configDirectory: try Self.service("s\(index)"), environmentVariables: [:], environmentIsLayer: false, store: store)
        }
        let (resolved, statistics) = try await ConfigurationLoader().loadAll(options)
        #expect(resolved.allSatisfy { $0.string("Db:Password") == "blue" })
        #expect(statistics.uniqueSecrets == 1)
        #expect(statistics.secretCalls == 1)
    }

    @Test("exec --from-environment's configuration: each selected variable verbatim, the others absent, ${VAR} from the whole environment")
    func fromEnvironment() async throws {
        let store = try await Self.store(holding: "blue")
        let variables = ["Db__Password": "${aws:secrets:qsl/test/db}", "Greeting": "hi ${USER_NAME}", "USER_NAME": "ada", "Other": "x"]
        let resolved = try await ConfigurationLoader().load(.fromEnvironment(variables, only: ["Db__Password", "Greeting"], store: store))
        #expect(resolved.values.map(\.key.spelling).sorted() == ["Db__Password", "Greeting"])
        #expect(resolved.string("Db__Password") == "blue")
        #expect(resolved.string("Greeting") == "hi ada")
    }
}
