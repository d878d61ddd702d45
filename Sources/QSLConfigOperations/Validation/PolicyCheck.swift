import OrderedCollections
import QSLConfig
import QSLConfigCore
import QSLConfigSchema

/// The platform's policies over one service's merged configuration, after the schema has run:
/// plaintext secrets, references, and alternative spellings. Collects the AWS references it
/// finds for the remote check.
struct PolicyCheck {
    let configuration: LayeredConfiguration
    let plan: ValidationOperation.Plan
    let schema: String
    let sectionLocations: [String: SourceLocation]
    /// Folded key paths the schema marks `writeOnly` (a section marks everything below it).
    let secretPaths: Set<String>
    /// Folded key paths whose values no report may quote: ``secretPaths`` and the values a
    /// `writeOnly` marks only in subschemas that failed (an `anyOf` branch, say).
    let concealedPaths: Set<String>
    /// ``concealedPaths`` that are not ``secretPaths`` (usually none): a key that is not secret
    /// is concealed when one of these marks it.
    let concealedOnlyPaths: Set<String>
    let annotations: [SchemaAnnotation]
    private(set) var sites: [ValidationOperation.Site] = []

    init(
        configuration: LayeredConfiguration, annotations: [SchemaAnnotation], secretPointers: Set<String> = [],
        sectionLocations: [String: SourceLocation], plan: ValidationOperation.Plan, schema: String
    ) {
        self.configuration = configuration
        self.annotations = annotations
        self.sectionLocations = sectionLocations
        self.plan = plan
        self.schema = schema
        self.secretPaths = Set(
            annotations.filter { $0.keyword == "writeOnly" && $0.valueText == "true" }.map { ConfigKey.fold($0.keyPath) })
        self.concealedPaths = secretPaths.union(secretPointers.map { ConfigKey.fold(SchemaAnnotation.keyPath(fromPointer: $0)) })
        self.concealedOnlyPaths = concealedPaths.subtracting(secretPaths)
    }

    mutating func run() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var noted = false
        let relativePrefix = ReferenceScan.secretsPrefix(of: configuration)
        for entry in configuration.merged.values {
            guard let value = entry.value else { continue }
            let isSecret = isSecretKey(entry.key)
            let isConcealed = isSecret || ValidationOperation.isMarked(entry.key, in: concealedOnlyPaths)
            var template: PlaceholderTemplate?
            if PlaceholderTemplate.mayContainReference(value) {
                do {
                    template = try PlaceholderTemplate(parsing: value)
                } catch {
                    diagnostics.append(referenceSyntax(error, entry: entry, isSecret: isConcealed))
                    continue
                }
                // A relative secret reference names a secret under the configuration's own prefix,
                // by the rule resolution applies: no literal prefix, no secret.
                if let parsed = template, parsed.references.contains(where: \.isRelativeSecret) {
                    guard let prefix = relativePrefix else {
                        diagnostics.append(ReferenceScan.relativeWithoutPrefix(entry))
                        continue
                    }
                    template = parsed.resolvingRelativeSecrets(under: prefix)
                }
            }
            // Made for the first AWS reference only: most values hold none.
            var locator: ScalarLocator?
            for part in template?.parts ?? [] {
                guard case .reference(let reference, let offset) = part, reference.isAWS else { continue }
                if locator == nil { locator = ScalarLocator(entry.origin) }
                let location = locator!.location(ofScalarOffset: offset)
                sites.append(.init(key: entry.key, reference: reference, location: location))
                if let problem = prefixProblem(reference, key: entry.key, location: location, noted: &noted) {
                    diagnostics.append(problem)
                }
            }
            if !plan.plainSecretsAllowed, let reason = Self.plaintext(value, key: entry.key, writeOnly: isSecret, parsed: template) {
                diagnostics.append(
                    Diagnostic(
                        at: entry.origin.location,
                        "'\(entry.key)' holds a plaintext value, but \(reason.phrase) and \(plan.environmentName) "
                            + "allows no plaintext secrets; store \(reason.stored) in Secrets Manager\(plan.secretsPrefix.map { " under \($0)" } ?? "") "
                            + "and write ${aws:secrets:NAME} \(reason.place)",
                        rule: "plaintext-secret", keyPath: entry.key.spelling))
            }
        }
        diagnostics += spellings()
        return diagnostics
    }

    /// Whether `key` is secret-bearing: the schema's `writeOnly`, on the key or a section above it.
    func isSecretKey(_ key: ConfigKey) -> Bool {
        ValidationOperation.isMarked(key, in: secretPaths)
    }

    /// A schema failure as a diagnostic. When the failing value, or one its message quotes
    /// through the closest alternative, is secret (a `writeOnly` of the schema, even one in a
    /// failing alternative, or a credential's name), the message says what is required without quoting the value: with
    /// `coerceScalarStrings` a "number" is the instance's own string.
    func diagnostic(for failure: SchemaValidationFailure) -> Diagnostic {
        var diagnostic = failure.diagnostic
        if failure.valueFreeMessage != failure.message, concealsValue(of: failure) {
            diagnostic.message = failure.valueFreeMessage + " (the value is not shown: the key is secret)"
        }
        return diagnostic
    }

    private func concealsValue(of failure: SchemaValidationFailure) -> Bool {
        let key = ConfigKey(failure.keyPath)
        return ValidationOperation.isMarked(key, in: concealedPaths) || CredentialClassifier.isCredentialKey(key) || failure.causes.contains { concealsValue(of: $0) }
    }

    // MARK: References

    func referenceSyntax(_ error: PlaceholderSyntaxError, entry: ConfigEntry, isSecret: Bool) -> Diagnostic {
        let rule = error.reason == .unknownKind ? "reference-kind" : "reference"
        // A malformed reference in a secret key may be the secret itself: say what is wrong
        // without quoting any of it.
        let message = error.message(
            inValueOf: entry.key, concealed: isSecret || CredentialClassifier.isCredentialKey(entry.key) || ReferenceScan.valueNeedsConcealing(entry.value))
        return Diagnostic(at: entry.origin.location(ofScalarOffset: error.offset), message, rule: rule, keyPath: entry.key.spelling)
    }

    /// A reference outside the environment's prefix; the first reference with no prefix to check
    /// against gets a note instead.
    func prefixProblem(_ reference: PlaceholderReference, key: ConfigKey, location: SourceLocation?, noted: inout Bool) -> Diagnostic? {
        let (kind, name, prefix, declared): (String, String, String?, String)
        switch reference {
        case .secret(let secret):
            (kind, name, prefix, declared) = ("secret", Self.secretName(secret), plan.secretsPrefix ?? literal("AWS:SecretsManagerPrefix"), "secrets")
        case .parameter(let parameter):
            (kind, name, prefix, declared) = ("parameter", Self.parameterName(parameter), plan.parameterPrefix ?? literal("AWS:ParameterStorePrefix"), "parameter")
        case .environment:
            return nil
        }
        guard let prefix else {
            if noted { return nil }
            noted = true
            return Diagnostic(
                .note, at: location,
                "no \(declared) prefix is known for \(plan.environmentName), so references were not checked against one; pass --\(declared == "secrets" ? "secrets" : "parameter")-prefix",
                rule: "reference-prefix", keyPath: key.spelling)
        }
        let source = plan.prefixSource.map { " (\($0))" } ?? ""
        // (An environment on the local store has ARNs of the store's own make, region `local`.)
        if let place = Self.arnPlace(reference), let definition = plan.definition, definition.store.kind != "local" {
            // An ARN names its partition, region and account: they must be the environment's.
            let expected = (definition.partition, definition.region, definition.account.map { _ in definition.accountId })
            if place.partition != expected.0 || place.region != expected.1 || (expected.2 != nil && place.account != expected.2) {
                return Diagnostic(
                    at: location,
                    "'\(key)' refers to a \(kind) in \(place.partition) \(place.region), account \(place.account), but \(plan.environmentName) is \(expected.0) \(expected.1)"
                        + (expected.2.map { ", account \($0)" } ?? "") + "\(source); name the \(kind) of \(plan.environmentName)'s own account and region",
                    rule: "reference-prefix", keyPath: key.spelling)
            }
        }
        guard !name.hasPrefix(prefix) else { return nil }
        return Diagnostic(
            at: location,
            "'\(key)' refers to \(kind) \(name), which is outside \(plan.environmentName)'s \(declared) prefix \(prefix)\(source); "
                + "name a \(kind) under \(prefix)",
            rule: "reference-prefix", keyPath: key.spelling)
    }

    /// The partition, region and account an ARN reference names (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`);
    /// `nil` for a reference by name.
    static func arnPlace(_ reference: PlaceholderReference) -> (partition: String, region: String, account: String)? {
        let text: String
        switch reference {
        case .secret(let secret) where secret.isARN: text = secret.secretId
        case .parameter(let parameter) where parameter.name.hasPrefix("arn:"): text = parameter.name
        default: return nil
        }
        let fields = ConfigKey.colonSeparated(text, maxSplits: 5)
        guard fields.count == 6 else { return nil }
        return (String(fields[1]), String(fields[3]), String(fields[4]))
    }

    /// The merged value of `key` when it is a plain literal (directory mode's fallback prefixes).
    func literal(_ key: ConfigKey) -> String? {
        guard let value = configuration[key] ?? nil, !value.isEmpty, !PlaceholderTemplate.mayContainReference(value) else { return nil }
        return value
    }

    /// A secret's name; for an ARN, the name field (`...:secret:NAME-AbCdEf`).
    static func secretName(_ reference: SecretReference) -> String {
        guard reference.isARN else { return reference.secretId }
        return ConfigKey.colonSeparated(reference.secretId, maxSplits: 6).last.map(String.init) ?? reference.secretId
    }

    /// A parameter's name; for an ARN, the part after `parameter` (`/qsl/production/config/x`).
    static func parameterName(_ reference: ParameterReference) -> String {
        guard reference.name.hasPrefix("arn:"), let range = reference.name.firstRange(ofLiteral: ":parameter") else { return reference.name }
        let rest = String(reference.name[range.upperBound...])
        return rest.hasPrefix("//") ? String(rest.dropFirst()) : rest
    }

    // MARK: Plaintext

    /// Why a value is a plaintext secret, for the message; never the value.
    enum PlaintextReason: Equatable {
        /// The schema marks the key `writeOnly` and the value (or its password part) is literal.
        case writeOnly
        /// ``CredentialClassifier`` says the key's name is a credential and the value a literal one.
        case credentialName
        /// The value carries a credential its shape gives away (a password, a URL key, a token).
        case embedded(CredentialFinding.Kind)

        var phrase: String {
            switch self {
            case .writeOnly: "the schema marks it secret (writeOnly)"
            case .credentialName: "its name marks it a credential"
            case .embedded(let kind): "it holds \(kind.phrase)"
            }
        }

        var stored: String {
            if case .embedded = self { return "the credential" }
            return "the value"
        }

        var place: String {
            if case .embedded = self { return "in its place" }
            return "here"
        }
    }

    /// Whether a value outside development is (or embeds) a plaintext credential, and why.
    ///
    /// A `writeOnly` key's value is plaintext when it is not empty and holds no reference, when
    /// a variable in it has a default (the value wherever the variable is unset), or when a
    /// password part beside its references is literal. Any other key asks
    /// ``CredentialClassifier``: a key named like a credential whose value is a literal that is
    /// not a plain setting, or any value with a literal credential in it (a connection-string
    /// or URL password, an API key in a URL, a token). A reference in the password part is fine.
    ///
    /// - Parameter parsed: `value` already parsed as a template, when the caller has it, so it is
    ///   not parsed again.
    static func plaintext(_ value: String, key: ConfigKey, writeOnly: Bool, parsed: PlaceholderTemplate? = nil) -> PlaintextReason? {
        guard !value.isEmpty else { return nil }
        if writeOnly {
            guard PlaceholderTemplate.mayContainReference(value) else { return .writeOnly }
            // No reference, only `$${` escapes or a `$` that starts none: plain text all the same.
            if let template = parsed ?? (try? PlaceholderTemplate(parsing: value)) {
                if template.references.isEmpty { return .writeOnly }
                // A variable's default is the value wherever the variable is unset: plaintext.
                let defaulted = template.references.contains { reference in
                    if case .environment(let variable) = reference { return !(variable.defaultValue ?? "").isEmpty }
                    return false
                }
                if defaulted { return .writeOnly }
            }
            return CredentialClassifier.containsCredential(value) ? .writeOnly : nil
        }
        guard let finding = CredentialClassifier.findings(key: key, value: value).first else { return nil }
        return finding.kind == .credentialKey ? .credentialName : .embedded(finding.kind)
    }

    // MARK: Spellings

    /// One warning per alternative spelling the configuration uses.
    func spellings() -> [Diagnostic] {
        var preferred: [String: String] = [:]
        for annotation in annotations where annotation.keyword == "x-qsl-preferred" {
            preferred[annotation.instancePointer] = Self.jsonString(annotation.valueText) ?? annotation.valueText
        }
        var reported: Set<String> = []
        var diagnostics: [Diagnostic] = []
        let candidates = annotations.filter {
            ($0.keyword == "deprecated" && $0.valueText == "true") || $0.keyword == "x-qsl-preferred"
        }
        for annotation in candidates where reported.insert(annotation.instancePointer).inserted {
            let key = ConfigKey(annotation.keyPath)
            let location = configuration.entry(key)?.origin.keyLocation ?? sectionLocations[key.folded] ?? annotation.instanceLocation
            var message: String
            if let canonical = preferred[annotation.instancePointer] {
                message = "'\(key)' is an alternative spelling of '\(canonical)', the name the platform's schemas use"
                if ConfigKey.fold(canonical) != key.folded, isDefined(ConfigKey(canonical)) {
                    message += "; this service sets both, so code reading either one may see a different value"
                } else {
                    message += "; rename it when the code that reads it moves to '\(canonical)'"
                }
            } else {
                message = "'\(key)' is deprecated in \(schema)"
            }
            diagnostics.append(Diagnostic(.warning, at: location, message, rule: "spelling", keyPath: key.spelling))
        }
        return diagnostics
    }

    /// Whether `key` is set, as a value or as a section.
    func isDefined(_ key: ConfigKey) -> Bool {
        if configuration.entry(key) != nil { return true }
        let prefix = key.folded + ":"
        return configuration.merged.keys.contains { $0.folded.hasPrefix(prefix) }
    }

    /// A compact JSON string annotation value, decoded.
    static func jsonString(_ text: String) -> String? {
        guard text.hasPrefix("\"") else { return nil }
        return (try? JSONDocument(parsingAnyValue: Array(text.utf8), file: "x-qsl-preferred"))?.root.stringValue
    }
}
