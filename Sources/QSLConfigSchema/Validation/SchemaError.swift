import QSLConfigCore

/// A schema that cannot be used: unreadable, malformed, a `$ref` that resolves nowhere, a
/// regular expression that does not compile, an unknown `$schema`.
///
/// Compare with the static kinds (`error.kind == .unresolvableReference`); new kinds may be added
/// without breaking callers.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a category callers can compare.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case unreadableDocument = "unreadable-schema"
            case invalidSchema = "invalid-schema"
            case unresolvableReference = "unresolvable-reference"
            case unsupportedDialect = "unsupported-dialect"
            case invalidPattern = "invalid-pattern"
            case referenceOutsideRoot = "reference-outside-root"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The schema file cannot be read or is not JSON.
        public static let unreadableDocument = Kind(.unreadableDocument)
        /// A keyword has a value the draft does not allow (`"type": 5`).
        public static let invalidSchema = Kind(.invalidSchema)
        /// A `$ref`, `$dynamicRef` or `$schema` names nothing in the registry.
        public static let unresolvableReference = Kind(.unresolvableReference)
        /// `$schema` names a draft or vocabulary this validator does not implement.
        public static let unsupportedDialect = Kind(.unsupportedDialect)
        /// A `pattern` or `patternProperties` regular expression is invalid or unsupported.
        public static let invalidPattern = Kind(.invalidPattern)
        /// A `$ref` names a file outside the folders the schema may read from.
        public static let referenceOutsideRoot = Kind(.referenceOutsideRoot)

        /// The rule id used in diagnostics.
        public var description: String { code.rawValue }
    }

    public let kind: Kind
    /// One sentence: what is wrong and how to fix it.
    public let message: String
    /// The schema location involved, as `URI#pointer`, when known.
    public let schemaLocation: String?
    /// Where in a file, when known.
    public let sourceLocation: SourceLocation?

    init(_ kind: Kind, _ message: String, schemaLocation: String? = nil, sourceLocation: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.schemaLocation = schemaLocation
        self.sourceLocation = sourceLocation
    }

    /// The error as a compiler-style diagnostic.
    public var diagnostic: Diagnostic {
        var text = message
        if let schemaLocation { text += " (at \(schemaLocation))" }
        return Diagnostic(.error, at: sourceLocation, text, rule: kind.description)
    }

    public var description: String { diagnostic.description }
}
