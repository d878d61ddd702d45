import OrderedCollections

/// Every `${...}` reference in a layered configuration, with the key that holds it and where it
/// is written. Only the winning value of each key is scanned: a reference that a higher layer
/// overrides is never fetched. Values loaded from Parameter Store are data, as AWS's .NET
/// provider treats them, and are never scanned: a stored password that happens to contain `${`
/// stays exactly as stored.
public struct ReferenceScan: Sendable {
    /// One reference and where it sits.
    public struct Site: Sendable {
        public var key: ConfigKey
        public var reference: PlaceholderReference
        /// The reference's own position when it can be computed, else the value's.
        public var location: SourceLocation?
        public var origin: ValueOrigin
    }

    /// The parsed template of every value that holds at least one reference or escape.
    public private(set) var templates: [ConfigKey: PlaceholderTemplate] = [:]
    public private(set) var sites: [Site] = []
    /// Malformed references and unknown `aws:` kinds, each at its position.
    public private(set) var diagnostics: [Diagnostic] = []

    /// Keys marked secret besides those named like a credential.
    public let marked: Set<ConfigKey>

    /// Whether `key`'s value is secret, so that nothing of it is quoted: a key named like a
    /// credential, or one ``marked``. The one rule resolution, `bundle` and their messages use.
    public func isSecret(_ key: ConfigKey) -> Bool {
        CredentialClassifier.isCredentialKey(key) || marked.contains(key)
    }

    /// Whether a problem with a reference in `entry`'s value must quote none of it: its key is
    /// secret, or its value holds a credential (``valueNeedsConcealing(_:)``).
    public func conceals(_ entry: ConfigEntry) -> Bool {
        isSecret(entry.key) || Self.valueNeedsConcealing(entry.value)
    }

    /// Whether a problem with a reference in `value` must quote none of it: the value, read
    /// literally, holds a credential (a URL or connection-string password), so what looks like a
    /// reference (`Tr0ub${4dor}`) may be part of it. The key's own secrecy is asked apart.
    public static func valueNeedsConcealing(_ value: String?) -> Bool {
        guard let value else { return false }
        return CredentialClassifier.containsCredential(value, readsReferences: false)
    }

    /// The key whose value relative secret references (`${aws:secrets:./NAME}`) are resolved under.
    public static let secretsPrefixKey: ConfigKey = "AWS:SecretsManagerPrefix"

    /// Scans the winning value of every key. Relative secret references come back made absolute
    /// under the configuration's own `AWS:SecretsManagerPrefix` (in ``sites`` and ``templates``
    /// alike); one where no literal prefix is set is a diagnostic.
    ///
    /// - Parameters:
    ///   - marked: Keys whose values are secret besides those named like a credential (a
    ///     schema's `writeOnly`, a SecureString's key): see ``isSecret(_:)``.
    ///   - makesRelativeAbsolute: `false` to leave relative references as they are written, with
    ///     no prefix needed (a configuration shown with its references kept).
    public init(_ configuration: LayeredConfiguration, marked: Set<ConfigKey> = [], makesRelativeAbsolute: Bool = true) {
        self.marked = marked
        let prefix = Self.secretsPrefix(of: configuration)
        // Only values that may hold a reference are sorted (into the order diagnostics come in),
        // not a copy of the whole configuration.
        let candidates = configuration.merged.values.filter { entry in
            guard let value = entry.value, PlaceholderTemplate.mayContainReference(value) else { return false }
            if case .parameterStore = entry.origin.source { return false }
            return true
        }
        for entry in candidates.sorted(by: { $0.key < $1.key }) {
            guard let value = entry.value else { continue }
            do {
                var template = try PlaceholderTemplate(parsing: value)
                if makesRelativeAbsolute, template.references.contains(where: \.isRelativeSecret) {
                    guard let prefix else {
                        diagnostics.append(Self.relativeWithoutPrefix(entry))
                        continue
                    }
                    template = template.resolvingRelativeSecrets(under: prefix)
                }
                templates[entry.key] = template
                var locator = ScalarLocator(entry.origin)
                for part in template.parts {
                    if case .reference(let reference, let offset) = part {
                        sites.append(
                            Site(key: entry.key, reference: reference, location: locator.location(ofScalarOffset: offset), origin: entry.origin))
                    }
                }
            } catch {
                let from = entry.origin.location == nil ? " (from \(entry.origin))" : ""
                diagnostics.append(
                    Diagnostic(
                        at: entry.origin.location(ofScalarOffset: error.offset),
                        error.message(inValueOf: entry.key, concealed: conceals(entry)) + from,
                        rule: "reference", keyPath: entry.key.spelling))
            }
        }
    }

    /// The configuration's literal `AWS:SecretsManagerPrefix`, under which its relative secret
    /// references resolve; `nil` when it is unset, empty or itself a reference. The one rule that
    /// resolution and `validate` share.
    public static func secretsPrefix(of configuration: LayeredConfiguration) -> String? {
        guard let value = configuration[secretsPrefixKey] ?? nil, !value.isEmpty, !PlaceholderTemplate.mayContainReference(value) else { return nil }
        return value
    }

    /// What to say of a `${VAR}` whose variable is not set and that has no default. In a
    /// secret's value (`concealed`) it names nothing: the `${...}` may be part of a literal
    /// password that should have been written `$${`.
    public static func unsetVariableMessage(_ variable: EnvironmentReference, concealed: Bool) -> String {
        concealed
            ? "the value references an environment variable that is not set and has no default; a literal '${' is written '$${' (the value is not shown: the key is secret)"
            : "environment variable \(variable.name) is not set and \(variable) has no default"
    }

    /// The finding for a relative secret reference in a configuration that sets no prefix.
    public static func relativeWithoutPrefix(_ entry: ConfigEntry) -> Diagnostic {
        Diagnostic(
            at: entry.origin.location,
            "'\(entry.key)' holds a relative secret reference (${aws:secrets:./NAME}), which needs a literal AWS:SecretsManagerPrefix in the configuration to name the secret",
            rule: "reference", keyPath: entry.key.spelling)
    }

    /// The AWS references (secrets and parameters).
    public var awsSites: [Site] { sites.filter { $0.reference.isAWS } }
}

extension ValueOrigin {
    /// The position of the Unicode scalar at `offset` inside a string value. Exact when the
    /// string is written without escape sequences; otherwise the string's own position.
    ///
    /// To locate several offsets of one value, use a ``ScalarLocator``: it walks the value once.
    public func location(ofScalarOffset offset: Int) -> SourceLocation? {
        var locator = ScalarLocator(self)
        return locator.location(ofScalarOffset: offset)
    }
}

/// Positions of scalar offsets inside one configuration value (the references of a template),
/// found in one walk over the value's bytes when the offsets come in increasing order, as a
/// template's parts do: locating every reference of a value costs the value's length, not its
/// length times its number of references. An offset before the previous one walks again from
/// the value's start.
public struct ScalarLocator {
    private enum Mode {
        /// An environment-file value: taken literally, one scalar per column.
        case literal(SourceLocation)
        /// A JSON string without escapes: the scalar's own byte, walked to.
        case string(SourceLocation, JSONDocument, Range<Int>)
        /// Anything else: the value's own position, or none.
        case whole(SourceLocation?)
    }

    private let mode: Mode
    /// The byte the walk has reached and the scalar offset it stands for (string mode).
    private var byteOffset = 0
    private var scalarOffset = 0
    /// Bytes stepped over so far, for the tests that keep locating linear.
    public private(set) var bytesWalked = 0

    public init(_ origin: ValueOrigin) {
        if case .environmentFile(_, let location) = origin.source {
            mode = .literal(location)
        } else if let value = origin.jsonValue {
            let location = value.location
            let range = value.byteRange
            if value.kind == .string, !value.document.bytes[range].contains(UInt8(ascii: "\\")) {
                mode = .string(location, value.document, range)
                byteOffset = range.lowerBound + 1
            } else {
                mode = .whole(location)
            }
        } else {
            mode = .whole(nil)
        }
    }

    /// The position of the scalar at `offset` of the value (see ``ValueOrigin/location(ofScalarOffset:)``).
    public mutating func location(ofScalarOffset offset: Int) -> SourceLocation? {
        switch mode {
        case .whole(let location):
            return location
        case .literal(var location):
            location.column += offset
            location.offset += offset
            return location
        case .string(var location, let document, let range):
            if offset < scalarOffset {
                byteOffset = range.lowerBound + 1
                scalarOffset = 0
            }
            document.bytes.withUnsafeBufferPointer { bytes in
                // Step to the first byte of the scalar `offset`: the next byte that is not a
                // UTF-8 continuation byte, once per scalar.
                while scalarOffset < offset, byteOffset < range.upperBound {
                    byteOffset += 1
                    bytesWalked += 1
                    if byteOffset < range.upperBound, bytes[byteOffset] & 0xC0 != 0x80 { scalarOffset += 1 }
                }
            }
            location.column += 1 + offset
            location.offset = byteOffset
            return location
        }
    }
}
