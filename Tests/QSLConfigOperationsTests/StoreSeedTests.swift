import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigOperations
import Testing

@Suite("seed files")
struct StoreSeedTests {
    static func seed(_ text: String) throws -> String {
        let path = try PlatformFixtures.temporaryDirectory("seed") + "/seed.json"
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
        return path
    }

    static func problems(_ text: String) throws -> [Diagnostic] {
        do {
            _ = try StoreSeed(file: try seed(text))
            return []
        } catch let error as DiagnosticList {
            return error.diagnostics
        }
    }

    @Test("names that differ only in case are two secrets, as in Secrets Manager; one name written twice is an error")
    func caseSensitiveNames() async throws {
        let seed = try StoreSeed(file: try Self.seed(#"{"secrets": {"qsl/development/Api": "one", "qsl/development/api": "two"}, "parameters": {"/qsl/development/config/A": "x", "/qsl/development/config/a": "y"}}"#))
        #expect(seed.secrets.map(\.name) == ["qsl/development/Api", "qsl/development/api"])
        #expect(seed.parameters.map(\.name) == ["/qsl/development/config/A", "/qsl/development/config/a"])
        let store = LocalSecretStore(path: try PlatformFixtures.temporaryDirectory("seed-store") + "/store.json", key: PlatformFixtures.testKey)
        let outcome = try await seed.apply(to: store)
        #expect(outcome.secretsCreated == ["qsl/development/Api", "qsl/development/api"])
        #expect(try await store.getSecret(SecretVersionSelector(secretId: "qsl/development/api")).payload == .string(SecretValue("two")))

        let twice = try Self.problems("{\"secrets\": {\"qsl/development/a\": \"one\",\n \"qsl/development/a\": \"two\"}}")
        #expect(twice.map(\.message) == ["secret qsl/development/a is written twice"])
        #expect(twice.first?.location?.line == 2)
        let keyTwice = try Self.problems(#"{"secrets": {"qsl/development/jwt": {"secret": "a", "Secret": "b", "secret": "c"}}}"#)
        #expect(keyTwice.map(\.message) == ["secret qsl/development/jwt: the key secret is written twice"])
    }

    @Test("a value in another Unicode spelling of the same text is a change: stores compare bytes")
    func unicodeSpellingsDiffer() async throws {
        let store = LocalSecretStore(path: try PlatformFixtures.temporaryDirectory("seed-nfc") + "/store.json", key: PlatformFixtures.testKey)
        let composed = "pa\u{e9}ss"
        let decomposed = "pae\u{301}ss"
        #expect(composed == decomposed, "Swift's String equality takes them as one")
        #expect(SecretValue(composed) != SecretValue(decomposed))
        func seed(_ value: String) throws -> StoreSeed {
            try StoreSeed(file: try Self.seed(#"{"secrets": {"qsl/development/s": "\#(value)"}, "parameters": {"/qsl/development/config/p": "\#(value)"}}"#))
        }
        _ = try await seed(composed).apply(to: store)
        let second = try await seed(decomposed).apply(to: store)
        #expect(second.secretsUpdated == ["qsl/development/s"] && second.secretsUnchanged.isEmpty)
        #expect(second.parametersUnchanged.isEmpty)
        guard case .string(let stored) = try await store.getSecret(SecretVersionSelector(secretId: "qsl/development/s")).payload else {
            Issue.record("a string secret")
            return
        }
        #expect(Array(stored.unsafeRevealed.utf8) == Array(decomposed.utf8))
        let again = try await seed(decomposed).apply(to: store)
        #expect(again.secretsUnchanged == ["qsl/development/s"] && again.parametersUnchanged == ["/qsl/development/config/p"])
    }

    @Test("a name the store would refuse is refused with the file read, every one at its key, before anything is written")
    func invalidNames() async throws {
        let text = """
            {"secrets": {"qsl/development/a": "v1", "qsl/development/b c": "v2", "": "v3"},
             "parameters": {"/qsl/development/config/ok": "x", "/qsl/development/config/bad:name": "y"}}
            """
        let problems = try Self.problems(text)
        #expect(problems.map(\.message) == [
            "'qsl/development/b c' is not a valid secret name (1 to 512 of letters, digits and /_+=.@-)",
            "'' is not a valid secret name (1 to 512 of letters, digits and /_+=.@-)",
            "'/qsl/development/config/bad:name' is not a valid parameter name (1 to 2048 of letters, digits and /_.-)",
        ])
        #expect(problems.map { $0.location?.line } == [1, 1, 2])
        #expect(problems.first?.location?.column == 41)
    }

    @Test("a value secret put would refuse is refused the same way: empty, or above 65,536 bytes; never quoted")
    func valueRules() throws {
        let empty = try Self.problems(#"{"secrets": {"qsl/development/empty": ""}, "parameters": {"/qsl/development/config/p": ""}}"#)
        #expect(empty.map(\.message) == ["secret qsl/development/empty: the value is empty", "parameter /qsl/development/config/p: the value is empty"])
        let large = String(repeating: "x", count: SecretValueRules.maxBytes + 1)
        let tooLarge = try Self.problems(#"{"secrets": {"qsl/development/large": "\#(large)"}}"#)
        #expect(tooLarge.map(\.message) == ["secret qsl/development/large: the value is 65537 bytes, above the limit of 65536 bytes of a Secrets Manager secret"])
        let largest = String(repeating: "x", count: SecretValueRules.maxBytes)
        #expect(try Self.problems(#"{"secrets": {"qsl/development/largest": "\#(largest)"}}"#).isEmpty)
        #expect(SecretValueRules.problem(with: "é") == nil)
        #expect(SecretValueRules.problem(with: String(repeating: "é", count: 32_769)) != nil, "the limit counts UTF-8 bytes")
    }
}
