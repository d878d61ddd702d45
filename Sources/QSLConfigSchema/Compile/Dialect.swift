/// The 2020-12 vocabularies; a meta-schema's `$vocabulary` selects which keywords are live.
struct Vocabularies: OptionSet, Sendable, Hashable {
    let rawValue: UInt16
    static let core = Vocabularies(rawValue: 1)
    static let applicator = Vocabularies(rawValue: 2)
    static let unevaluated = Vocabularies(rawValue: 4)
    static let validation = Vocabularies(rawValue: 8)
    static let metaData = Vocabularies(rawValue: 16)
    static let formatAnnotation = Vocabularies(rawValue: 32)
    static let formatAssertion = Vocabularies(rawValue: 64)
    static let content = Vocabularies(rawValue: 128)

    /// What the standard 2020-12 meta-schema declares.
    static let standard: Vocabularies = [.core, .applicator, .unevaluated, .validation, .metaData, .formatAnnotation, .content]

    static func named(_ uri: String) -> Vocabularies? {
        let prefix = "https://json-schema.org/draft/2020-12/vocab/"
        guard uri.hasPrefix(prefix) else { return nil }
        switch uri.dropFirst(prefix.count) {
        case "core": return .core
        case "applicator": return .applicator
        case "unevaluated": return .unevaluated
        case "validation": return .validation
        case "meta-data": return .metaData
        case "format-annotation": return .formatAnnotation
        case "format-assertion": return .formatAssertion
        case "content": return .content
        default: return nil
        }
    }
}

/// The rules a subschema is read with: its draft and, for 2020-12, its live vocabularies.
struct Dialect: Sendable, Hashable {
    var draft: SchemaDraft
    var vocabularies: Vocabularies

    static let draft7 = Dialect(draft: .draft7, vocabularies: [])
    static let draft2020 = Dialect(draft: .draft2020_12, vocabularies: .standard)

    static func standard(_ draft: SchemaDraft) -> Dialect {
        draft == .draft7 ? .draft7 : .draft2020
    }

    /// How a keyword holds subschemas, for walking a schema without compiling it.
    enum Shape {
        case single
        case map
        case array
        /// draft-07 `items`: one schema or an array of them.
        case singleOrArray
        /// draft-07 `dependencies`: a map whose values are schemas or arrays of names.
        case dependencies
    }

    /// The keywords whose values hold subschemas.
    var subschemaKeywords: [String: Shape] {
        draft == .draft7 ? Dialect.draft7Shapes : Dialect.draft2020Shapes
    }

    private static let draft2020Shapes: [String: Shape] = [
        "additionalProperties": .single, "propertyNames": .single, "items": .single, "contains": .single,
        "not": .single, "if": .single, "then": .single, "else": .single, "unevaluatedItems": .single,
        "unevaluatedProperties": .single, "contentSchema": .single,
        "$defs": .map, "properties": .map, "patternProperties": .map, "dependentSchemas": .map,
        "allOf": .array, "anyOf": .array, "oneOf": .array, "prefixItems": .array,
    ]

    private static let draft7Shapes: [String: Shape] = [
        "additionalItems": .single, "additionalProperties": .single, "contains": .single, "not": .single,
        "if": .single, "then": .single, "else": .single, "propertyNames": .single,
        "items": .singleOrArray, "dependencies": .dependencies,
        "definitions": .map, "properties": .map, "patternProperties": .map,
        "allOf": .array, "anyOf": .array, "oneOf": .array,
    ]
}
