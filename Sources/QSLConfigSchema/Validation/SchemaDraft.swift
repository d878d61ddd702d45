/// The JSON Schema dialects the validator understands.
///
/// A schema picks its draft with `$schema`; a schema without one uses
/// ``SchemaValidationOptions/defaultDraft`` (2020-12 unless you say otherwise).
///
/// ```swift
/// let options = SchemaValidationOptions(defaultDraft: .draft7)
/// ```
public enum SchemaDraft: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Draft-07 (2018), still emitted by many editors and generators: `$ref` replaces its
    /// siblings, `definitions`, `dependencies`, array-form `items` with `additionalItems`.
    case draft7 = "draft-07"
    /// Draft 2020-12: `$defs`, `prefixItems`, `$dynamicRef`, `unevaluated*`, vocabularies.
    case draft2020_12 = "2020-12"

    /// The `$schema` URI of the draft's meta-schema.
    public var metaschemaURI: String {
        switch self {
        case .draft7: "http://json-schema.org/draft-07/schema#"
        case .draft2020_12: "https://json-schema.org/draft/2020-12/schema"
        }
    }

    public var description: String { rawValue }

    /// The draft whose meta-schema is `uri` (with or without an empty fragment, `http` or
    /// `https`); `nil` for other URIs.
    static func named(byMetaschema uri: String) -> SchemaDraft? {
        var text = uri
        if text.hasSuffix("#") { text.removeLast() }
        if text.hasPrefix("https://") { text = "http://" + text.dropFirst("https://".count) }
        switch text {
        case "http://json-schema.org/draft-07/schema": return .draft7
        case "http://json-schema.org/draft/2020-12/schema": return .draft2020_12
        default: return nil
        }
    }

    /// Meta-schema URIs of drafts this validator does not implement, so that a schema declaring
    /// one gets a clear error rather than being read under the wrong rules.
    static func isUnsupportedDraft(_ uri: String) -> Bool {
        let known = ["json-schema.org/draft-03/schema", "json-schema.org/draft-04/schema",
                     "json-schema.org/draft-06/schema", "json-schema.org/draft/2019-09/schema"]
        return known.contains { uri.contains($0) }
    }
}
