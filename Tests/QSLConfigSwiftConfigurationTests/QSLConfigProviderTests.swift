import Configuration
import ConfigurationTesting
import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigSwiftConfiguration
import QSLConfigTesting
import Synchronization
import Testing

@Suite("swift-configuration adapter")
struct QSLConfigProviderTests {
    /// swift-configuration's required test data, as an ASP.NET-style flat configuration.
    static func compatData() -> ResolvedConfiguration {
        let magic = Data([0x6d, 0x61, 0x67, 0x69, 0x63]).base64EncodedString()
        let magic2 = Data([0x6d, 0x61, 0x67, 0x69, 0x63, 0x32]).base64EncodedString()
        let flat: [(String, String)] = [
            ("string", "Hello"), ("other:string", "Other Hello"),
            ("int", "42"), ("other:int", "24"),
            ("double", "3.14"), ("other:double", "2.72"),
            ("bool", "True"), ("other:bool", "False"),
            ("bytes", magic), ("other:bytes", magic2),
            ("stringy:array:0", "Hello"), ("stringy:array:1", "World"),
            ("other:stringy:array:0", "Hello"), ("other:stringy:array:1", "Swift"),
            ("inty:array:0", "42"), ("inty:array:1", "24"),
            ("other:inty:array:0", "16"), ("other:inty:array:1", "32"),
            ("doubly:array:0", "3.14"), ("doubly:array:1", "2.72"),
            ("other:doubly:array:0", "0.9"), ("other:doubly:array:1", "1.8"),
            ("booly:array:0", "true"), ("booly:array:1", "false"),
            ("other:booly:array:0", "false"), ("other:booly:array:1", "true"), ("other:booly:array:2", "true"),
            ("byteChunky:array:0", magic), ("byteChunky:array:1", magic2),
            ("other:byteChunky:array:0", magic), ("other:byteChunky:array:1", magic2), ("other:byteChunky:array:2", magic),
        ]
        return ResolvedConfiguration(values: flat.map {
            ResolvedValue(key: QSLConfigCore.ConfigKey($0.0), value: $0.1, sensitivity: .plain, origin: ValueOrigin(.other("test")))
        })
    }

    @Test("passes swift-configuration's ProviderCompatTest")
    func providerCompat() async throws {
        try await ProviderCompatTest(provider: QSLConfigProvider(Self.compatData())).runTest()
    }

    @Test("passes ProviderCompatTest when following a refreshing configuration from a real folder")
    func providerCompatRefreshing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-sc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var object: [String: Any] = [:]
        for value in Self.compatData().values {
            // Rebuild the nested JSON the flat keys come from.
            let segments = value.key.spelling.split(separator: ":").map(String.init)
            object = Self.insert(value.unsafeRevealedValue!, at: segments, into: object)
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        try data.write(to: directory.appendingPathComponent("appsettings.json"))
        let refreshing = try await RefreshingConfiguration(
            options: ConfigurationOptions(configDirectory: directory.path, environmentVariables: [:], environmentIsLayer: false))
        try await ProviderCompatTest(provider: QSLConfigProvider(refreshing: refreshing)).runTest()
    }

    @Test("fetchValue reloads at most once per minimum interval, and a failed reload answers from the last good configuration")
    func fetchValueIsRateLimitedAndKeepsTheLastGood() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-sc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(#"{"Kestrel": {"Port": "9090"}, "Db": {"Password": "${aws:secrets:svc/db}"}}"#.utf8).write(to: directory.appendingPathComponent("appsettings.json"))
        let local = LocalSecretStore(path: directory.appendingPathComponent(".qsl/store.json").path)
        _ = try await local.createSecret(CreateSecretRequest(name: "svc/db", value: .string(SecretValue("v1")), clientRequestToken: UUID().uuidString))
        let state = Mutex((reads: 0, failing: false))
        let store = InterceptingSecretStore(local) { (base, selectors) async throws(StoreError) -> SecretFetchResult in
            let failing = state.withLock { $0.reads += 1; return $0.failing }
            if failing { throw StoreError(.unavailable, "the store is down") }
            return try await base.getSecrets(selectors)
        }
        let refreshing = try await RefreshingConfiguration(
            options: ConfigurationOptions(configDirectory: directory.path, environmentVariables: [:], environmentIsLayer: false, store: store),
            policy: RefreshPolicy(interval: .seconds(3600), minimumForcedInterval: .seconds(3600)))
        let provider = QSLConfigProvider(refreshing: refreshing)
        for _ in 0..<10 { _ = try await provider.fetchValue(forKey: AbsoluteConfigKey(["kestrel", "port"]), type: .int) }
        #expect(state.withLock { $0.reads } == 1, "only the first load read the store")

        // Every fetch may reload now, and the store fails after the first load: fetches still
        // answer from the last good configuration.
        let eager = try await RefreshingConfiguration(
            options: ConfigurationOptions(configDirectory: directory.path, environmentVariables: [:], environmentIsLayer: false, store: store),
            policy: RefreshPolicy(interval: .seconds(3600), minimumForcedInterval: .zero))
        state.withLock { $0.failing = true }
        let reader = ConfigReader(provider: QSLConfigProvider(refreshing: eager))
        #expect(try await reader.fetchInt(forKey: "kestrel.port", default: 8080) == 9090)
        #expect(try await reader.fetchString(forKey: "db.password") == "v1")
        #expect(state.withLock { $0.reads } >= 3, "the eager provider did try to reload")
    }

    static func insert(_ value: String, at path: [String], into object: [String: Any]) -> [String: Any] {
        var object = object
        if path.count == 1 {
            object[path[0]] = value
        } else {
            object[path[0]] = insert(value, at: Array(path.dropFirst()), into: object[path[0]] as? [String: Any] ?? [:])
        }
        return object
    }

    @Test("secret values are marked secret and redacted in descriptions")
    func secretsAreMarked() throws {
        let configuration = ResolvedConfiguration(values: [
            ResolvedValue(key: "Database:Password", value: "canary-sc-1", sensitivity: .fromSecret, origin: ValueOrigin(.other("test"))),
            ResolvedValue(key: "Database:Host", value: "db.local", sensitivity: .plain, origin: ValueOrigin(.other("test"))),
        ])
        let reader = ConfigReader(provider: QSLConfigProvider(configuration))
        #expect(reader.string(forKey: "database.password") == "canary-sc-1")
        let result = try QSLConfigProvider(configuration).value(forKey: AbsoluteConfigKey(["database", "password"]), type: .string)
        #expect(result.value?.isSecret == true)
        #expect(!"\(result.value!)".contains("canary-sc-1"))
        let host = try QSLConfigProvider(configuration).value(forKey: AbsoluteConfigKey(["database", "host"]), type: .string)
        #expect(host.value?.isSecret == false)
    }

    @Test("a plain value holding a credential (a URL or connection-string password, a credential-named key) is marked secret too")
    func embeddedCredentialsAreMarked() throws {
        let configuration = ResolvedConfiguration(values: [
            ResolvedValue(key: "Chain:Rpc", value: "https://admin:canary-sc-4@rpc.example", sensitivity: .plain, origin: ValueOrigin(.other("test"))),
            ResolvedValue(key: "ConnectionStrings:Db", value: "Host=db;Password=canary-sc-5", sensitivity: .plain, origin: ValueOrigin(.other("test"))),
            ResolvedValue(key: "Db:Password", value: "canary-sc-6", sensitivity: .plain, origin: ValueOrigin(.other("test"))),
            ResolvedValue(key: "Chain:Name", value: "polygon", sensitivity: .plain, origin: ValueOrigin(.other("test"))),
            ResolvedValue(key: "Peers:0", value: "https://a.example", sensitivity: .plain, origin: ValueOrigin(.other("test"))),
            ResolvedValue(key: "Peers:1", value: "https://u:canary-sc-7@b.example", sensitivity: .plain, origin: ValueOrigin(.other("test"))),
        ])
        let provider = QSLConfigProvider(configuration)
        for key in [["chain", "rpc"], ["connectionstrings", "db"], ["db", "password"]] {
            #expect(try provider.value(forKey: AbsoluteConfigKey(key), type: .string).value?.isSecret == true, "\(key)")
        }
        #expect(try provider.value(forKey: AbsoluteConfigKey(["chain", "name"]), type: .string).value?.isSecret == false)
        #expect(try provider.value(forKey: AbsoluteConfigKey(["peers"]), type: .stringArray).value?.isSecret == true, "one element holds a password")
    }

    @Test("a value of the wrong type is named without its embedded password, and values print redacted")
    func typeErrorsRedactEmbeddedPasswords() throws {
        let url = ResolvedValue(key: "Chain:Rpc", value: "https://user:canary-sc-2@rpc.example", sensitivity: .plain, origin: ValueOrigin(.other("test")))
        let secret = ResolvedValue(key: "Db:Password", value: "canary-sc-3", sensitivity: .fromSecret, origin: ValueOrigin(.other("test")))
        let provider = QSLConfigProvider(ResolvedConfiguration(values: [url, secret]))
        do {
            _ = try provider.value(forKey: AbsoluteConfigKey(["chain", "rpc"]), type: .int)
            Issue.record("a URL is not an integer")
        } catch {
            #expect("\(error)".lowercased().contains("chain:rpc"))
            #expect(!"\(error)".contains("canary-sc-2"))
        }
        for value in [url, secret] {
            #expect(!"\(value)".contains("canary"), "\(value.key) prints its value")
            #expect(!String(reflecting: value).contains("canary"))
        }
    }

    @Test("watches see a refresh")
    func watchSeesRefresh() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-sc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("appsettings.json")
        try Data(#"{"Feature": {"Level": 1}}"#.utf8).write(to: file)
        let refreshing = try await RefreshingConfiguration(
            options: ConfigurationOptions(configDirectory: directory.path, environmentVariables: [:], environmentIsLayer: false))
        let provider = QSLConfigProvider(refreshing: refreshing)
        let seen = try await provider.watchValue(forKey: AbsoluteConfigKey(["feature", "level"]), type: .int) { updates in
            var values: [Int] = []
            for await update in updates {
                if case .int(let level)? = try update.get().value?.content { values.append(level) }
                if values.count == 1 {
                    try Data(#"{"Feature": {"Level": 2}}"#.utf8).write(to: file)
                    try await refreshing.refresh()
                }
                if values.count == 2 { break }
            }
            return values
        }
        #expect(seen == [1, 2])
    }
}
