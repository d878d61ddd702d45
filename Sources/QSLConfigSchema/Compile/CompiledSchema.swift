/// A schema compiled for evaluation: every subschema reachable from the root (through `$ref`s
/// and `$dynamicRef`s too) becomes one ``SchemaNode`` in a flat array, and subschemas refer to
/// each other by index, so recursive schemas need no reference cycles and the whole program is a
/// `Sendable` value.
struct CompiledSchema: Sendable {
    var nodes: [SchemaNode]
    var root: Int
    var resources: [SchemaResource]
}

/// A schema resource (a document root or a subschema with `$id`): the unit of `$dynamicRef`'s
/// dynamic scope.
struct SchemaResource: Sendable {
    var uri: String
    /// `$dynamicAnchor` names declared in the resource, to their compiled subschemas.
    var dynamicAnchors: [String: Int]
}

/// The JSON types `type` can name.
struct TypeSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1)
    static let boolean = TypeSet(rawValue: 2)
    static let object = TypeSet(rawValue: 4)
    static let array = TypeSet(rawValue: 8)
    static let number = TypeSet(rawValue: 16)
    static let string = TypeSet(rawValue: 32)
    static let integer = TypeSet(rawValue: 64)

    static func named(_ name: String) -> TypeSet? {
        switch name {
        case "null": .null
        case "boolean": .boolean
        case "object": .object
        case "array": .array
        case "number": .number
        case "string": .string
        case "integer": .integer
        default: nil
        }
    }

    /// "an integer", "a string or null"...
    var phrase: String {
        let names: [(TypeSet, String)] = [
            (.object, "an object"), (.array, "an array"), (.string, "a string"), (.integer, "an integer"),
            (.number, "a number"), (.boolean, "a boolean"), (.null, "null"),
        ]
        let parts = names.filter { contains($0.0) }.map(\.1)
        if parts.count <= 1 { return parts.first ?? "nothing" }
        return parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }
}

/// One compiled subschema.
///
/// A class, so the evaluator's many reads of a node retain one reference instead of copying
/// its strings and arrays. Only the compiler writes one (``marksSecret``, once every node is
/// built), before any ``CompiledSchema`` holding it is handed out; after that it is immutable
/// and shared between threads.
final class SchemaNode: @unchecked Sendable {
    /// Set for the boolean schemas `true` and `false`.
    let constant: Bool?
    /// Index into ``CompiledSchema/resources``.
    let resource: Int
    /// Canonical location, `URI#pointer`.
    let location: String
    let keywords: [SchemaKeyword]
    /// The `type` keyword's set, kept apart because coercion looks at it first.
    let types: TypeSet?
    /// `writeOnly`, `deprecated` and `x-qsl-*` values to report where this subschema applies.
    let annotations: [(keyword: String, value: String)]
    /// Whether `unevaluatedProperties`/`unevaluatedItems` is present, so in-place subschemas
    /// must report what they evaluated.
    let hasUnevaluated: Bool
    /// Whether this subschema, or one it applies to the same value (passing or not), declares
    /// `writeOnly: true`: the value is secret and no message may quote it.
    var marksSecret = false
    /// Whether a `writeOnly: true` can be reached from this subschema at all, here or at any
    /// member or element below: a branch of a combination that was only probed is then
    /// evaluated once more, for its marks alone.
    var reachesSecret = false

    init(
        constant: Bool?, resource: Int, location: String, keywords: [SchemaKeyword], types: TypeSet?,
        annotations: [(keyword: String, value: String)], hasUnevaluated: Bool
    ) {
        self.constant = constant
        self.resource = resource
        self.location = location
        self.keywords = keywords
        self.types = types
        self.annotations = annotations
        self.hasUnevaluated = hasUnevaluated
    }

    static func placeholder() -> SchemaNode {
        SchemaNode(constant: true, resource: 0, location: "", keywords: [], types: nil, annotations: [], hasUnevaluated: false)
    }
}

/// A keyword and its compiled operands; `name` is the keyword as written (draft-07's `items`
/// array compiles to ``Operation/prefixItems`` but is reported as `items`).
struct SchemaKeyword: Sendable {
    var name: String
    var operation: Operation

    enum Operation: Sendable {
        // References.
        case ref(Int)
        case dynamicRef(Int, anchor: String)
        // Any instance.
        case type(TypeSet)
        case enumeration([JSONTree])
        case constant(JSONTree)
        // Numbers.
        case multipleOf(SchemaNumber, String)
        case maximum(SchemaNumber, String)
        case exclusiveMaximum(SchemaNumber, String)
        case minimum(SchemaNumber, String)
        case exclusiveMinimum(SchemaNumber, String)
        // Strings.
        case maxLength(Int)
        case minLength(Int)
        case pattern(SchemaPattern)
        case format(FormatChecker.Format)
        // Arrays.
        case maxItems(Int)
        case minItems(Int)
        case uniqueItems
        case prefixItems([Int])
        /// Applies to every element from index `from` on.
        case items(Int, from: Int)
        case contains(Int, min: Int, max: Int?)
        // Objects.
        case maxProperties(Int)
        case minProperties(Int)
        case required([String])
        case dependentRequired([(String, [String])])
        case properties([String: Int])
        case patternProperties([(SchemaPattern, Int)])
        case additionalProperties(Int, known: Set<String>, patterns: [SchemaPattern])
        case propertyNames(Int)
        case dependentSchemas([(String, Int)])
        // Combinations.
        case allOf([Int])
        case anyOf([Int])
        case oneOf([Int])
        case not(Int)
        case conditional(if: Int, then: Int?, else: Int?)
        // Evaluated last.
        case unevaluatedItems(Int)
        case unevaluatedProperties(Int)
    }
}
