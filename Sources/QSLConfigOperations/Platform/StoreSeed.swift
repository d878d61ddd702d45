#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore

/// Fake secrets and parameters for a development store, as `platform/dev-seed.json` lists them:
///
/// ```json
/// {
///   "secrets": {
///     "qsl/development/jwt": {"secret": "fake-dev-jwt-signing-key"},
///     "qsl/development/neon/userservice": "Host=localhost;Database=...;Password=fake"
///   },
///   "parameters": {"/qsl/development/config/kestra/url": "http://localhost:8080"}
/// }
/// ```
///
/// A secret given as an object is stored as its JSON text (members in file order, so
/// `${aws:secrets:NAME:KEY}` selects a member); a string is stored as written. Applying a seed is
/// idempotent: a secret or parameter that already holds the seeded value is left alone, so a
/// second run writes nothing and adds no versions.
///
/// ```swift
/// let seed = try StoreSeed(file: "platform/dev-seed.json")
/// let outcome = try await seed.apply(to: store, environment: development)
/// ```
public struct StoreSeed: Sendable {
    /// One seeded entry and where the seed file defines it. The value prints redacted, like
    /// every value meant for a store.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var value: SecretValue
        public var location: SourceLocation?
        /// For a secret given as an object, its members' names (what `NAME:KEY` may select);
        /// `nil` for a string.
        var jsonKeys: [String]?

        public init(name: String, value: String, location: SourceLocation? = nil) {
            self.name = name
            self.value = SecretValue(value)
            self.location = location
        }
    }

    /// Secrets by name, sorted.
    public var secrets: [Entry]
    /// Parameters by name, sorted.
    public var parameters: [Entry]

    public init(secrets: [Entry], parameters: [Entry]) {
        self.secrets = secrets.sorted { $0.name < $1.name }
        self.parameters = parameters.sorted { $0.name < $1.name }
    }

    /// Reads a seed file.
    ///
    /// Names are compared exactly: Secrets Manager and Parameter Store names are case-sensitive,
    /// so `qsl/development/Api` and `qsl/development/api` are two secrets, while one name written
    /// twice is an error. Every secret's text must pass ``SecretValueRules`` (the rule `secret
    /// put` applies) and a parameter must not be empty.
    ///
    /// - Throws: ``DiagnosticList`` with every malformed entry at its `file:line:col`.
    public init(file: String) throws(DiagnosticList) {
        let document: JSONDocument
        do {
            // Not the appsettings rules: they compare names ignoring case, which store names are not.
            document = try JSONDocument(parsingAnyValue: try FileBytes.read(file, maxBytes: 4 << 20), file: file)
        } catch {
            throw DiagnosticList([error])
        }
        guard document.root.kind == .object else {
            throw DiagnosticList([Diagnostic(at: document.root.location, "a seed file holds one JSON object with 'secrets' and 'parameters'", rule: "seed")])
        }
        var problems: [Diagnostic] = []
        var secrets: [Entry] = []
        var parameters: [Entry] = []
        var sections: Set<String> = []
        for (key, section) in document.root.members {
            switch key {
            case "secrets", "parameters":
                guard sections.insert(key).inserted else {
                    problems.append(Diagnostic(at: section.keyLocation ?? section.location, "'\(key)' is written twice", rule: "seed"))
                    continue
                }
                guard section.kind == .object else {
                    problems.append(Diagnostic(at: section.location, "'\(key)' must be an object of name → value", rule: "seed"))
                    continue
                }
                let noun = key == "secrets" ? "secret" : "parameter"
                var names: Set<String> = []
                for (name, value) in section.members {
                    guard names.insert(name).inserted else {
                        problems.append(Diagnostic(at: value.keyLocation ?? value.location, "\(noun) \(name) is written twice", rule: "seed"))
                        continue
                    }
                    // Every name is checked here, before anything is written: a store refusing one
                    // mid-run would leave the seed half applied.
                    let (valid, rule) =
                        key == "secrets"
                        ? (PlaceholderTemplate.isSecretName(name), "1 to 512 of letters, digits and /_+=.@-")
                        : (PlaceholderTemplate.isParameterName(name), "1 to 2048 of letters, digits and /_.-")
                    guard valid else {
                        problems.append(Diagnostic(at: value.keyLocation ?? value.location, "'\(name)' is not a valid \(noun) name (\(rule))", rule: "seed"))
                        continue
                    }
                    let entry: Entry
                    if key == "secrets", value.kind == .object {
                        let fields = value.members.map(\.key)
                        if let repeated = fields.enumerated().first(where: { fields[..<$0.offset].contains($0.element) }) {
                            let member = value.members[repeated.offset].value
                            problems.append(Diagnostic(at: member.keyLocation ?? member.location, "secret \(name): the key \(repeated.element) is written twice", rule: "seed"))
                            continue
                        }
                        var object = Entry(name: name, value: Self.jsonText(of: value), location: value.location)
                        object.jsonKeys = value.members.map(\.key)
                        entry = object
                    } else if let text = value.stringValue {
                        entry = Entry(name: name, value: text, location: value.location)
                    } else {
                        let expected = key == "secrets" ? "a string or an object of fields" : "a string"
                        problems.append(Diagnostic(at: value.location, "\(noun) \(name) must be \(expected)", rule: "seed"))
                        continue
                    }
                    let text = entry.value.unsafeRevealed
                    if key == "secrets", let problem = SecretValueRules.problem(with: text) {
                        problems.append(Diagnostic(at: value.location, "secret \(name): \(problem)", rule: "seed"))
                    } else if key == "parameters", text.isEmpty {
                        problems.append(Diagnostic(at: value.location, "parameter \(name): the value is empty", rule: "seed"))
                    } else if key == "secrets" {
                        secrets.append(entry)
                    } else {
                        parameters.append(entry)
                    }
                }
            case "$schema", "description":
                continue
            default:
                problems.append(Diagnostic(at: section.keyLocation ?? section.location, "unknown section '\(key)'; a seed file holds 'secrets' and 'parameters'", rule: "seed"))
            }
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        self.init(secrets: secrets, parameters: parameters)
    }

    /// A JSON secret's text: the object's members in file order, compact, strings re-encoded.
    static func jsonText(of object: JSONValue) -> String {
        let members = object.members.map { member in
            JSONStringEncoding.quoted(member.key) + ":" + (member.value.stringValue.map(JSONStringEncoding.quoted) ?? member.value.sourceText)
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The entries that lie outside an environment's prefixes, as diagnostics.
    public func entriesOutside(_ environment: EnvironmentDefinition) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for secret in secrets where !secret.name.hasPrefix(environment.secretsPrefix) {
            problems.append(
                Diagnostic(
                    at: secret.location, "secret \(secret.name) is outside \(environment.name)'s secrets prefix \(environment.secretsPrefix)",
                    rule: "seed"))
        }
        for parameter in parameters where !parameter.name.hasPrefix(environment.parameterPrefix) {
            problems.append(
                Diagnostic(
                    at: parameter.location,
                    "parameter \(parameter.name) is outside \(environment.name)'s parameter prefix \(environment.parameterPrefix)", rule: "seed"))
        }
        return problems
    }

    /// What applying a seed changed.
    public struct Outcome: Sendable, Hashable {
        public var secretsCreated: [String] = []
        public var secretsUpdated: [String] = []
        public var secretsUnchanged: [String] = []
        public var parametersWritten: [String] = []
        public var parametersUnchanged: [String] = []

        /// Whether the run wrote anything.
        public var changedAnything: Bool { !(secretsCreated.isEmpty && secretsUpdated.isEmpty && parametersWritten.isEmpty) }
    }

    /// Writes every entry whose value differs from what the store holds: creates missing
    /// secrets (tagged with the environment's tags), adds an `AWSCURRENT` version to changed
    /// ones, and writes missing or changed parameters as `String`.
    ///
    /// - Parameters:
    ///   - environment: When given, every entry must lie under its prefixes; nothing is written otherwise.
    /// - Throws: ``ResolutionError`` naming the entry and the store's reason.
    public func apply(to store: any SecretStore, environment: EnvironmentDefinition? = nil) async throws(ResolutionError) -> Outcome {
        if let environment {
            let outside = entriesOutside(environment)
            guard outside.isEmpty else { throw ResolutionError(outside) }
        }
        func failure(_ error: StoreError, _ entry: Entry) -> ResolutionError {
            ResolutionError([Diagnostic(at: entry.location, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }
        var outcome = Outcome()
        let current: SecretFetchResult
        do {
            current = secrets.isEmpty ? SecretFetchResult() : try await store.getSecrets(secrets.map { SecretVersionSelector(secretId: $0.name) })
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }
        for secret in secrets {
            let selector = SecretVersionSelector(secretId: secret.name)
            if let error = current.failures[selector], error.code != .notFound { throw failure(error, secret) }
            let token = Self.requestToken()
            do throws(StoreError) {
                if let stored = current.secrets[selector] {
                    if case .string(let value) = stored.payload, value == secret.value {
                        outcome.secretsUnchanged.append(secret.name)
                        continue
                    }
                    _ = try await store.putSecretValue(secret.name, value: .string(secret.value), stages: nil, clientRequestToken: token)
                    outcome.secretsUpdated.append(secret.name)
                } else {
                    _ = try await store.createSecret(
                        CreateSecretRequest(
                            name: secret.name, value: .string(secret.value), description: "seeded by qsl-config seed",
                            tags: environment?.tags ?? [:], clientRequestToken: token))
                    outcome.secretsCreated.append(secret.name)
                }
            } catch {
                throw failure(error, secret)
            }
        }
        if !parameters.isEmpty {
            let existing: ParameterFetchResult
            do {
                existing = try await store.getParameters(parameters.map { ParameterReference(name: $0.name) })
            } catch {
                throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
            }
            for parameter in parameters {
                if let stored = existing.parameters[ParameterReference(name: parameter.name)], !stored.isSecure,
                    stored.value == parameter.value
                {
                    outcome.parametersUnchanged.append(parameter.name)
                    continue
                }
                do {
                    try await store.putParameter(parameter.name, value: parameter.value.unsafeRevealed, secure: false)
                } catch {
                    throw failure(error, parameter)
                }
                outcome.parametersWritten.append(parameter.name)
            }
        }
        return outcome
    }

    /// A fresh client request token. Never derived from the value: the token becomes the
    /// version id, which anyone who may describe the secret can read.
    static func requestToken() -> String { UUID().uuidString }
}
