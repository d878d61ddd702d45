import QSLConfig
import QSLConfigCore
import Testing

/// `dump`, `Mirror` and `String(describing:)` walk a value's stored fields whatever its
/// `description` says: none of them may reach a secret.
@Suite("reflection never shows a secret")
struct ReflectionRedactionTests {
    static let canary = "canary-reflect-3c9d-never-dump"
    static let key = "q0ZLc2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3OA=="

    static func dumped(_ value: Any) -> String {
        var out = ""
        dump(value, to: &out)
        return out + "\n" + String(describing: value) + "\n" + String(reflecting: value)
    }

    @Test("a SecretValue, alone or inside another value")
    func secretValue() {
        struct Holder { var name = "db"; var password = SecretValue(ReflectionRedactionTests.canary) }
        #expect(!Self.dumped(SecretValue(Self.canary)).contains(Self.canary))
        #expect(!Self.dumped(Holder()).contains(Self.canary))
        #expect(!Self.dumped([SecretPayload.string(SecretValue(Self.canary))]).contains(Self.canary))
        // A binary secret's bytes, printed one number a line by a plain dump.
        let binary = Self.dumped(StoredSecret(arn: "arn", name: "n", versionId: "v", stages: [], payload: .binary([0xDE, 0xAD, 0xBE, 0xEF, 0x01])))
        #expect(!binary.contains("222") && !binary.contains("173") && !binary.contains("239"), "\(binary)")
    }

    @Test("a resolved configuration: its secret values show as their display value")
    func resolvedConfiguration() {
        let origin = ValueOrigin(.other("test"))
        let configuration = ResolvedConfiguration(values: [
            ResolvedValue(key: "Db:Password", value: Self.canary, sensitivity: .fromSecret, origin: origin),
            ResolvedValue(key: "Plain", value: "visible", sensitivity: .plain, origin: origin),
        ])
        let text = Self.dumped(configuration)
        #expect(!text.contains(Self.canary), "\(text)")
        #expect(text.contains("visible") && text.contains("<redacted>"))
    }

    @Test("a value's origin names its switch or file, never a value: a command-line secret, a file's bytes")
    func origins() throws {
        let layer = try ConfigurationLayer.commandLine(["--Db:Password=\(Self.canary)", "--Other", Self.canary + "-2"])
        for entry in layer.orderedEntries {
            #expect(!"\(entry.origin)".contains(Self.canary), "\(entry.origin)")
            #expect(!Self.dumped(entry.origin).contains(Self.canary))
        }
        #expect("\(layer.orderedEntries.first { $0.key == "Db:Password" }!.origin)" == "command-line argument --Db:Password")
        let document = try JSONDocument(parsing: Array(#"{"Db": {"Password": "\#(Self.canary)"}}"#.utf8), file: "appsettings.json")
        let file = try ConfigurationLayer.json(document)
        let origin = try #require(file.orderedEntries.first).origin
        #expect(!Self.dumped(origin).contains(Self.canary) && !Self.dumped(origin).contains("101, 121"), "\(Self.dumped(origin))")
    }

    @Test("options, a resolver and a local store name variables and keys, never their values")
    func optionsAndStores() {
        let variables = ["ConnectionStrings__Db": "Host=db;Password=\(Self.canary)", "QSL_LOCAL_STORE_KEY": Self.key, "AWS_SECRET_ACCESS_KEY": Self.canary]
        let store = LocalSecretStore(path: "/tmp/qsl-reflect/store.json", key: Self.key)
        var options = ConfigurationOptions.fromEnvironment(variables, store: store)
        options.arguments = ["--Db:Password=\(Self.canary)"]
        let resolver = ReferenceResolver(store: store, environmentVariables: variables)
        for value in [options as Any, store, resolver] {
            let text = Self.dumped(value)
            #expect(!text.contains(Self.canary) && !text.contains(Self.key), "\(text)")
        }
        #expect(Self.dumped(options).contains("ConnectionStrings__Db"), "variables are named")
    }
}
