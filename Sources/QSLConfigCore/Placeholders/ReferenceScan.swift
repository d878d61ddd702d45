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

    /// The key whose value relative secret references (`${aws:secrets:./NAME}`) are resolved under.
    public static let secretsPrefixKey: ConfigKey = "AWS:SecretsManagerPrefix"

    /// Scans the winning value of every key. Relative secret references come back made absolute
    /// under the configuration's own `AWS:SecretsManagerPrefix` (in ``sites`` and ``templates``
    /// alike); one where no literal prefix is set is a diagnostic.
    public init(_ configuration: LayeredConfiguration) {
        let prefix = Self.secretsPrefix(of: configuration)
        for entry in configuration.sortedEntries {
            guard let value = entry.value, PlaceholderTemplate.mayContainReference(value) else { continue }
            if case .parameterStore = entry.origin.source { continue }
            do {
                var template = try PlaceholderTemplate(parsing: value)
                if template.references.contains(where: \.isRelativeSecret) {
                    guard let prefix else {
                        diagnostics.append(Self.relativeWithoutPrefix(entry))
                        continue
                    }
                    template = template.resolvingRelativeSecrets(under: prefix)
                }
                templates[entry.key] = template
                for part in template.parts {
                    if case .reference(let reference, let offset) = part {
                        sites.append(
                            Site(key: entry.key, reference: reference, location: entry.origin.location(ofScalarOffset: offset), origin: entry.origin))
                    }
                }
            } catch {
                diagnostics.append(
                    Diagnostic(
                        at: entry.origin.location(ofScalarOffset: error.offset),
                        "\(error.message) (in the value of '\(entry.key)'\(entry.origin.location == nil ? ", from \(entry.origin)" : ""))",
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
    public func location(ofScalarOffset offset: Int) -> SourceLocation? {
        if case .environmentFile(_, var location) = source {
            // Environment-file values are taken literally, one scalar per column.
            location.column += offset
            location.offset += offset
            return location
        }
        guard let value = jsonValue, var location = value.location as SourceLocation? else { return nil }
        guard value.kind == .string else { return location }
        let text = value.document.bytes[value.byteRange]
        guard !text.contains(UInt8(ascii: "\\")) else { return location }
        location.column += 1 + offset
        var byteOffset = value.byteRange.lowerBound + 1
        var remaining = offset
        while remaining > 0, byteOffset < value.byteRange.upperBound {
            byteOffset += 1
            if byteOffset < value.byteRange.upperBound, value.document.bytes[byteOffset] & 0xC0 != 0x80 { remaining -= 1 }
        }
        location.offset = byteOffset
        return location
    }
}
