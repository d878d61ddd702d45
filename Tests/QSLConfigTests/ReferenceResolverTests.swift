import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigTesting
import Testing

@Suite("batched reference resolution")
struct ReferenceResolverTests {
    static func layered(_ json: String, file: String = "appsettings.json") throws -> LayeredConfiguration {
        LayeredConfiguration(layers: [try .json(JSONDocument(parsing: Array(json.utf8), file: file))])
    }

    static func store() async throws -> LocalSecretStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-resolver-\(UUID().uuidString)/store.json").path
        let store = LocalSecretStore(path: path)
        func create(_ name: String, _ value: SecretPayload) async throws {
            _ = try await store.createSecret(CreateSecretRequest(name: name, value: value, clientRequestToken: UUID().uuidString))
        }
        try await create("qsl/shared/db", .string(SecretValue(#"{"user":"u","password":"p1","port":5432,"flags":{"a":true}}"#)))
        try await create("qsl/shared/plain", .string(SecretValue("plain-text")))
        try await create("qsl/shared/binary", .binary([1, 2, 3]))
        _ = try await store.putSecretValue("qsl/shared/plain", value: .string(SecretValue("plain-text-2")), stages: nil, clientRequestToken: UUID().uuidString)
        try await store.putParameter("/qsl/shared/config/url", value: "https://x.example", secure: false)
        try await store.putParameter("/qsl/shared/config/token", value: "tok", secure: true)
        return store
    }

    @Test("a secret is fetched once however many keys use it, in one batch")
    func fetchedOnce() async throws {
        let store = CountingSecretStore(try await Self.store())
        let configuration = try Self.layered(
            """
            {"A": "${aws:secrets:qsl/shared/db:user}", "B": "${aws:secrets:qsl/shared/db:password}",
             "C": "x-${aws:secrets:qsl/shared/db:port}-y", "D": "${aws:secrets:qsl/shared/plain}",
             "E": "${aws:parameter:/qsl/shared/config/url}", "F": "${aws:ssm:/qsl/shared/config/url}",
             "G": "${aws:secrets:qsl/shared/plain::AWSPREVIOUS}", "H": "${aws:secrets:qsl/shared/db:flags}"}
            """)
        let (resolved, statistics) = try await ReferenceResolver(store: store, environmentVariables: [:]).resolveAll([configuration, configuration])
        #expect(store.calls["getSecrets"] == 1)
        #expect(store.calls["getParameters"] == 1)
        #expect(store.secretBatches.first?.count == 3, "db, plain, and plain at AWSPREVIOUS")
        #expect(statistics.uniqueSecrets == 3)
        #expect(statistics.uniqueParameters == 1)
        let first = resolved[0]
        #expect(first.string("A") == "u")
        #expect(first.string("B") == "p1")
        #expect(first.string("C") == "x-5432-y")
        #expect(first.string("D") == "plain-text-2")
        #expect(first.string("E") == "https://x.example")
        #expect(first.string("F") == "https://x.example")
        #expect(first.string("G") == "plain-text", "pinned to AWSPREVIOUS")
        #expect(first.string("H") == #"{"a":true}"#)
        #expect(first["A"]?.sensitivity == .fromSecret)
        #expect(first["E"]?.sensitivity == .plain)
    }

    @Test("everything missing is reported at once with the secret, the key and the position")
    func everythingMissingAtOnce() async throws {
        let store = try await Self.store()
        let configuration = try Self.layered(
            """
            {
              "A": "${aws:secrets:qsl/shared/missing-1}",
              "B": "${aws:secrets:qsl/shared/missing-2:key}",
              "C": "${aws:secrets:qsl/shared/plain:field}",
              "D": "${aws:secrets:qsl/shared/db:nokey}",
              "E": "${aws:secrets:qsl/shared/binary}",
              "F": "${aws:parameter:/qsl/shared/config/missing}",
              "G": "${UNSET_VAR_FOR_TEST}"
            }
            """, file: "svc/appsettings.json")
        do {
            _ = try await ReferenceResolver(store: store, environmentVariables: [:]).resolve(configuration)
            Issue.record("resolution should fail")
        } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(lines.count == 7)
            #expect(lines.contains { $0.hasPrefix("svc/appsettings.json:2:9: error: secret qsl/shared/missing-1 does not exist") && $0.contains("'A'") })
            #expect(lines.contains { $0.hasPrefix("svc/appsettings.json:3:9: error: secret qsl/shared/missing-2 does not exist") })
            #expect(lines.contains { $0.contains("qsl/shared/plain is not a JSON object, so it has no key 'field'") })
            #expect(lines.contains { $0.contains("qsl/shared/db has no JSON key 'nokey'") })
            #expect(lines.contains { $0.contains("qsl/shared/binary holds binary data") })
            #expect(lines.contains { $0.hasPrefix("svc/appsettings.json:7:9: error: parameter /qsl/shared/config/missing does not exist") })
            #expect(lines.contains { $0.contains("UNSET_VAR_FOR_TEST is not set") })
            #expect(!lines.joined().contains("plain-text"), "no secret value in any message")
            #expect(!error.isStoreFailure)
        }
    }

    @Test("a JSON secret is parsed once however many of its keys are referenced")
    func secretParsedOnce() async throws {
        let keys = 400
        let store = try await Self.store()
        let secret = "{" + (0..<keys).map { "\"k\($0)\":\"v\($0)\"" }.joined(separator: ",") + "}"
        _ = try await store.createSecret(CreateSecretRequest(name: "qsl/shared/many", value: .string(SecretValue(secret)), clientRequestToken: UUID().uuidString))
        let members = (0..<keys).map { "\"K\($0)\": \"${aws:secrets:qsl/shared/many:k\($0)}\"" }
        let configuration = try Self.layered("{" + (members + [#""U": "${aws:secrets:qsl/shared/db:user}""#]).joined(separator: ",") + "}")
        let (resolved, statistics) = try await ReferenceResolver(store: store, environmentVariables: [:]).resolveAll([configuration, configuration])
        #expect(statistics.secretDocumentsParsed == 2, "qsl/shared/many and qsl/shared/db, once each for both configurations")
        #expect(resolved[1].string("K0") == "v0")
        #expect(resolved[1].string(ConfigKey("K\(keys - 1)")) == "v\(keys - 1)")
        #expect(resolved[0].string("U") == "u")
    }

    @Test("references of a one-line file are located at their own columns, in one walk per value")
    func manyReferencesOnOneLine() async throws {
        let count = 2_000
        let value = String(repeating: "${UNSET_VAR_FOR_TEST}é", count: count)
        let configuration = try Self.layered(#"{"A": "x", "B": ""# + value + #""}"#, file: "one-line.json")
        do {
            _ = try await ReferenceResolver(store: nil, environmentVariables: [:]).resolve(configuration)
            Issue.record("resolution should fail")
        } catch {
            let columns = error.diagnostics.compactMap { $0.location?.column }
            // Each reference is 21 scalars plus the "é"; the value starts at column 17.
            #expect(columns == (0..<count).map { 18 + 22 * $0 })
            #expect(error.diagnostics.allSatisfy { $0.location?.line == 1 })
        }
        let scan = ReferenceScan(configuration)
        #expect(scan.sites.count == count)
        let entry = try #require(configuration.entry("B"))
        var locator = ScalarLocator(entry.origin)
        for site in scan.sites { _ = locator.location(ofScalarOffset: site.location!.column - 18) }
        #expect(locator.bytesWalked <= value.utf8.count, "locating every reference of a value walks it once")
    }

    @Test("every key's entry and resolved value stay small: an origin holds a file value's position, not a copy of a location")
    func entrySizes() {
        // A file value's origin is the document and an index; an environment file's location,
        // which is rare and large, is boxed. Every key of a configuration carries an origin
        // several times over (layer, merged view, resolved value), so this is memory per key.
        #expect(MemoryLayout<ValueOrigin>.size <= 24)
        #expect(MemoryLayout<ConfigEntry>.stride <= 80)
        #expect(MemoryLayout<ResolvedValue>.stride <= 80)
        #expect(MemoryLayout<ResolvedConfiguration>.size == MemoryLayout<[ResolvedValue]>.size, "no index beside the values")
    }

    @Test("a resolved configuration finds every key ignoring case, in ASP.NET's order, the last of a repeated key winning")
    func sortedLookup() {
        let origin = ValueOrigin(.other("test"))
        let keys = ["A:10", "A:9", "A:b", "a:B:c", "Z", "A:09", "ä", "A:1", "A:01"] + (0..<300).map { "Items:\($0)" }
        var values = keys.map { ResolvedValue(key: ConfigKey($0), value: $0, sensitivity: .plain, origin: origin) }
        values.append(ResolvedValue(key: "z", value: "last", sensitivity: .plain, origin: origin))
        let configuration = ResolvedConfiguration(values: values)
        for key in keys where key != "Z" {
            #expect(configuration.string(ConfigKey(key.uppercased())) == key)
        }
        #expect(configuration.string("Z") == "last")
        #expect(configuration.values.prefix(5).map(\.key.spelling) == ["A:01", "A:1", "A:09", "A:9", "A:10"])
        #expect(!configuration.contains("A:2") && !configuration.contains("Items:300") && !configuration.contains(""))
    }

    @Test("only winning values are resolved: an overridden reference is never fetched")
    func onlyWinningValues() async throws {
        let store = CountingSecretStore(try await Self.store())
        var configuration = try Self.layered(#"{"A": "${aws:secrets:qsl/shared/missing-1}"}"#)
        configuration.add(try .json(JSONDocument(parsing: Array(#"{"A": "override"}"#.utf8), file: "appsettings.Production.json")))
        let resolved = try await ReferenceResolver(store: store, environmentVariables: [:]).resolve(configuration)
        #expect(resolved.string("A") == "override")
        #expect(store.calls["getSecrets"] == nil)
    }

    @Test("keep-references leaves aws references as written and resolves ${VAR}")
    func keepReferences() async throws {
        let configuration = try Self.layered(#"{"A": "${aws:secrets:x:k}", "B": "$<HOME_X:h>/${aws:parameter:/p}"}"#)
        let resolved = try await ReferenceResolver(store: nil, environmentVariables: [:], keepAWSReferences: true).resolve(configuration)
        #expect(resolved.string("A") == "${aws:secrets:x:k}")
        #expect(resolved.string("B") == "h/${aws:parameter:/p}")
    }

    @Test("a store that fails is a store failure (exit 3), named once")
    func storeFailure() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-resolver-\(UUID().uuidString)/store.json").path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("not a store".utf8).write(to: URL(fileURLWithPath: path))
        let configuration = try Self.layered(#"{"A": "${aws:secrets:x}"}"#)
        do {
            _ = try await ReferenceResolver(store: LocalSecretStore(path: path), environmentVariables: [:]).resolve(configuration)
            Issue.record("should fail")
        } catch {
            #expect(error.isStoreFailure)
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].message.contains("is not a qsl-config local store file"))
        }
    }
}
