import OrderedCollections
import QSLConfigCore

/// Resolves the `${...}` references of one or more layered configurations in as few store calls
/// as the APIs allow.
///
/// Every reference of every configuration is gathered first and deduplicated by secret and
/// version (a secret is fetched once however many keys use it); the store then fetches all
/// secrets and all parameters in batches, concurrently; only then are values substituted.
/// Everything missing is reported at once, each with the secret or parameter, the key and the
/// position of the reference.
///
/// ```swift
/// let resolver = ReferenceResolver(store: store, environmentVariables: ProcessInfo.processInfo.environment)
/// let configuration = try await resolver.resolve(layered)
/// ```
public struct ReferenceResolver: Sendable, CustomReflectable {
    public var store: (any SecretStore)?
    /// Values for `${VAR}` references.
    public var environmentVariables: [String: String]
    /// Leave `aws:` references as written instead of resolving them.
    public var keepAWSReferences: Bool
    /// Keys a schema marks as secret (`writeOnly`), beyond those ``CredentialClassifier`` recognises by name.
    public var secretKeys: Set<ConfigKey>
    /// The staging label unpinned secret references resolve at; `nil` is `AWSCURRENT`.
    /// `AWSPREVIOUS` gives the values from before the last rotation; a secret with no version at
    /// the label (never rotated) gives its `AWSCURRENT` value.
    public var defaultVersionStage: String?

    public init(
        store: (any SecretStore)?,
        environmentVariables: [String: String],
        keepAWSReferences: Bool = false,
        secretKeys: Set<ConfigKey> = []
    ) {
        self.store = store
        self.environmentVariables = environmentVariables
        self.keepAWSReferences = keepAWSReferences
        self.secretKeys = secretKeys
        self.defaultVersionStage = nil
    }

    /// Statistics of the last batch, for the call-count guarantees and benchmarks.
    public struct Statistics: Sendable, Hashable {
        public var uniqueSecrets = 0
        public var uniqueParameters = 0
        public var secretCalls = 0
        public var parameterCalls = 0
        /// JSON secrets parsed to read a key: at most one per secret version, however many keys
        /// reference it.
        public var secretDocumentsParsed = 0

        public init(uniqueSecrets: Int = 0, uniqueParameters: Int = 0, secretCalls: Int = 0, parameterCalls: Int = 0, secretDocumentsParsed: Int = 0) {
            self.uniqueSecrets = uniqueSecrets
            self.uniqueParameters = uniqueParameters
            self.secretCalls = secretCalls
            self.parameterCalls = parameterCalls
            self.secretDocumentsParsed = secretDocumentsParsed
        }
    }

    /// Resolves one configuration.
    public func resolve(_ configuration: LayeredConfiguration) async throws(ResolutionError) -> ResolvedConfiguration {
        try await resolveAll([configuration]).configurations[0]
    }

    /// Resolves several configurations in one pass (the bundles of many services): a secret
    /// shared by all of them is fetched once.
    public func resolveAll(_ configurations: [LayeredConfiguration]) async throws(ResolutionError) -> (configurations: [ResolvedConfiguration], statistics: Statistics) {
        // With references kept, a relative one stays as written: it needs no prefix to be shown.
        try await resolveAll(configurations, scans: configurations.map { ReferenceScan($0, marked: secretKeys, makesRelativeAbsolute: !keepAWSReferences) })
    }

    /// ``resolveAll(_:)`` with the configurations already scanned, one ``ReferenceScan`` each,
    /// in order, made with ``secretKeys`` marked (a caller that needed the scans first, for its
    /// own figures, does not scan twice).
    package func resolveAll(
        _ configurations: [LayeredConfiguration], scans: [ReferenceScan]
    ) async throws(ResolutionError) -> (configurations: [ResolvedConfiguration], statistics: Statistics) {
        precondition(scans.count == configurations.count, "one scan per configuration")
        var problems = scans.flatMap(\.diagnostics)
        if !problems.isEmpty { throw ResolutionError(problems) }

        // 1. Gather and deduplicate.
        var selectors: [SecretVersionSelector] = []
        var seenSelectors: Set<SecretVersionSelector> = []
        // Selectors ``defaultVersionStage`` made.
        var defaulted: Set<SecretVersionSelector> = []
        var parameters: [ParameterReference] = []
        var seenParameters: Set<ParameterReference> = []
        if !keepAWSReferences {
            for scan in scans {
                for site in scan.sites {
                    switch site.reference {
                    case .secret(let reference):
                        let selector = selector(for: reference)
                        if seenSelectors.insert(selector).inserted { selectors.append(selector) }
                        if selector != reference.version { defaulted.insert(selector) }
                    case .parameter(let reference):
                        if seenParameters.insert(reference).inserted { parameters.append(reference) }
                    case .environment:
                        break
                    }
                }
            }
        }
        var statistics = Statistics(uniqueSecrets: selectors.count, uniqueParameters: parameters.count)

        // 2. Fetch everything, secrets and parameters concurrently.
        var secretResult = SecretFetchResult()
        // What a reference that reached the default stage reads when its secret has no version
        // there: the secret's AWSCURRENT, by the defaulted selector.
        var fallbackResult = SecretFetchResult()
        var parameterResult = ParameterFetchResult()
        if !selectors.isEmpty || !parameters.isEmpty {
            guard let store else {
                let sites = scans.flatMap(\.awsSites)
                throw ResolutionError(
                    sites.map { site in
                        Diagnostic(
                            at: site.location,
                            "\(site.reference) in '\(site.key)' needs a secret store; pass --store local or --store aws, or --keep-references to leave references unresolved",
                            rule: "reference", keyPath: site.key.spelling)
                    })
            }
            do {
                async let secrets = selectors.isEmpty ? SecretFetchResult() : store.getSecrets(selectors)
                async let params = parameters.isEmpty ? ParameterFetchResult() : store.getParameters(parameters)
                secretResult = try await secrets
                parameterResult = try await params
            } catch let error as StoreError {
                // A store that cannot be used as configured (a folder as the local store, a key
                // file others can read) is bad input; one that fails or refuses access is not.
                throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
            } catch {
                throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error)", rule: "store")], isStoreFailure: true)
            }
            // A secret with no version at the default stage (never rotated: no AWSPREVIOUS) reads
            // AWSCURRENT, in one more call for all such secrets; a reference that pins the stage
            // itself does not.
            // Kept apart from the pinned results: one reference may pin the stage that another
            // reaches by default.
            let fallBack = selectors.filter { defaulted.contains($0) && secretResult.failures[$0]?.code == .notFound }
            if !fallBack.isEmpty {
                let current = fallBack.map { SecretVersionSelector(secretId: $0.secretId) }
                let again: SecretFetchResult
                do {
                    again = try await store.getSecrets(current)
                } catch {
                    throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
                }
                for (original, plain) in zip(fallBack, current) {
                    if let stored = again.secrets[plain] {
                        fallbackResult.secrets[original] = stored
                    } else if let failure = again.failures[plain] {
                        fallbackResult.failures[original] = failure
                    }
                }
                secretResult.calls += again.calls
            }
            statistics.secretCalls = secretResult.calls
            statistics.parameterCalls = parameterResult.calls
        }

        // 3. Substitute. A JSON secret is parsed once however many of its keys are referenced.
        var results: [ResolvedConfiguration] = []
        var storeFailure = false
        var parsedSecrets: [SecretVersionSelector: SecretText] = [:]
        for (configuration, scan) in zip(configurations, scans) {
            var values: [ResolvedValue] = []
            values.reserveCapacity(configuration.merged.count)
            for entry in configuration.merged.values {
                let isSecretKey = scan.isSecret(entry.key)
                var sensitivity: ResolvedValue.Sensitivity = isSecretKey ? .secretKey : .plain
                guard let template = scan.templates[entry.key] else {
                    values.append(ResolvedValue(key: entry.key, value: entry.value, sensitivity: sensitivity, origin: entry.origin))
                    continue
                }
                var rendered = ""
                // Positions are worked out only for problems, in one walk over the value.
                var locator = ScalarLocator(entry.origin)
                // With references kept, the value stays in the source's syntax: a literal `${`
                // (written `$${`) is written escaped again, so that it is not read back as one.
                let keeps = keepAWSReferences
                func literal(_ text: String) -> String { keeps ? PlaceholderTemplate.escapingLiteral(text) : text }
                for part in template.parts {
                    switch part {
                    case .literal(let text):
                        rendered += literal(text)
                    case .reference(let reference, let offset):
                        func fail(_ message: String, rule: String = "reference") {
                            let location = locator.location(ofScalarOffset: offset)
                            problems.append(Diagnostic(at: location, message + " (referenced by '\(entry.key)'\(location == nil ? " from \(entry.origin)" : ""))", rule: rule, keyPath: entry.key.spelling))
                        }
                        switch reference {
                        case .environment(let variable):
                            if let value = environmentVariables[variable.name] ?? variable.defaultValue {
                                rendered += literal(value)
                            } else {
                                fail(ReferenceScan.unsetVariableMessage(variable, concealed: scan.conceals(entry)))
                            }
                        case .secret(let secret):
                            if keepAWSReferences {
                                rendered += secret.description
                                continue
                            }
                            sensitivity = .fromSecret
                            let selector = selector(for: secret)
                            let isDefaulted = selector != secret.version
                            if let stored = secretResult.secrets[selector] ?? (isDefaulted ? fallbackResult.secrets[selector] : nil) {
                                var text = parsedSecrets.removeValue(forKey: selector) ?? SecretText(stored)
                                let wasParsed = text.isParsed
                                switch text.extract(secret) {
                                case .success(let value): rendered += value
                                case .failure(let failure): fail(failure.message, rule: "secret-value")
                                }
                                if text.isParsed && !wasParsed { statistics.secretDocumentsParsed += 1 }
                                parsedSecrets[selector] = text
                            } else {
                                let failure = (isDefaulted ? fallbackResult.failures[selector] : nil) ?? secretResult.failures[selector]
                                if failure?.isStoreFailure == true { storeFailure = true }
                                fail(failure?.message ?? "secret \(selector) was not returned by \(store?.storeDescription ?? "the store")", rule: "missing-secret")
                            }
                        case .parameter(let parameter):
                            if keepAWSReferences {
                                rendered += parameter.description
                                continue
                            }
                            if let stored = parameterResult.parameters[parameter] {
                                if stored.isSecure { sensitivity = .fromSecret }
                                rendered += stored.value.unsafeRevealed
                            } else {
                                fail("parameter \(parameter.requestName) does not exist in \(store?.storeDescription ?? "the store")", rule: "missing-parameter")
                            }
                        }
                    }
                }
                var value = ResolvedValue(key: entry.key, value: rendered, sensitivity: sensitivity, origin: entry.origin)
                value.isRendered = true
                values.append(value)
            }
            results.append(ResolvedConfiguration(values: values))
        }
        guard problems.isEmpty else { throw ResolutionError(problems, isStoreFailure: storeFailure) }
        return (results, statistics)
    }

    /// The version a reference fetches: its own pin, else ``defaultVersionStage`` (falling back to
    /// `AWSCURRENT` for a secret that has no version at that stage).
    func selector(for reference: SecretReference) -> SecretVersionSelector {
        var selector = reference.version
        if selector.versionStage == nil, selector.versionId == nil, let defaultVersionStage {
            selector.versionStage = defaultVersionStage
        }
        return selector
    }

    struct ExtractionFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The text of one fetched secret. Its top-level JSON keys are read the first time a
    /// reference asks for one and looked up by name after that, so a secret referenced by many
    /// keys is parsed once, not once per reference.
    struct SecretText {
        let stored: StoredSecret
        /// The members of a JSON object secret by name (a repeated name: the last); `nil` until
        /// a reference asks for a key, and when the secret is not a JSON object.
        private var members: [String: JSONValue]?
        /// The member names, sorted, for the message about a missing key.
        private var names: [String] = []
        /// Whether the JSON keys have been read.
        private(set) var isParsed = false

        init(_ stored: StoredSecret) {
            self.stored = stored
        }

        /// The text `reference` stands for: the whole `SecretString`, or one top-level key of it.
        mutating func extract(_ reference: SecretReference) -> Result<String, ExtractionFailure> {
            let text: String
            switch stored.payload {
            case .binary:
                return .failure(ExtractionFailure("secret \(stored.name) holds binary data (SecretBinary), which cannot be substituted into configuration text; store it as SecretString"))
            case .string(let value):
                text = value.unsafeRevealed
            }
            guard let jsonKey = reference.jsonKey else { return .success(text) }
            if !isParsed {
                isParsed = true
                if let members = JSONDocument.objectMembers(parsing: text, file: stored.name) {
                    self.members = members
                    self.names = members.keys.sorted()
                }
            }
            guard let members else {
                return .failure(ExtractionFailure("secret \(stored.name) is not a JSON object, so it has no key '\(jsonKey)'; reference the whole secret as ${aws:secrets:\(reference.secretId)}"))
            }
            guard let member = members[jsonKey] else {
                let available = names.joined(separator: ", ")
                return .failure(ExtractionFailure("secret \(stored.name) has no JSON key '\(jsonKey)' (its keys: \(available.isEmpty ? "none" : available))"))
            }
            switch member.kind {
            case .string: return .success(member.stringValue ?? "")
            case .true: return .success("true")
            case .false: return .success("false")
            case .null: return .success("")
            case .number, .object, .array: return .success(member.sourceText)
            }
        }
    }
}

/// Resolution failed: every problem, each with its position; never a secret value.
public struct ResolutionError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// Whether the store itself failed (network, access denied): exit code 3 rather than 2.
    public var isStoreFailure: Bool

    public init(_ diagnostics: [Diagnostic], isStoreFailure: Bool = false) {
        self.diagnostics = diagnostics
        self.isStoreFailure = isStoreFailure
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension ReferenceResolver {
    /// The store by its description and the variables by name only.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "store": store?.storeDescription as Any, "environmentVariableNames": environmentVariables.keys.sorted(), "secretKeys": secretKeys.count,
                "keepAWSReferences": keepAWSReferences,
            ],
            displayStyle: .struct)
    }
}
