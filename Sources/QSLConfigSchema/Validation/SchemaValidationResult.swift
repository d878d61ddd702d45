/// What ``SchemaValidator/validate(_:)`` found: every failure, and the annotations (secrets,
/// deprecations, `x-qsl-*`) of the values that were checked.
public struct SchemaValidationResult: Sendable {
    /// Every failure, in instance document order per keyword.
    public var failures: [SchemaValidationFailure]
    /// `writeOnly`, `deprecated` and `x-qsl-*` annotations, one per instance location and
    /// keyword and value.
    public var annotations: [SchemaAnnotation]
    /// JSON pointers of the values that any subschema applied to them marks `writeOnly`,
    /// including subschemas that failed (an `anyOf` branch, an `if`, a `not`), which add no
    /// annotation. A report must not quote these values, nor anything below them.
    public var secretPointers: Set<String>

    public init(failures: [SchemaValidationFailure], annotations: [SchemaAnnotation], secretPointers: Set<String> = []) {
        self.failures = failures
        self.annotations = annotations
        self.secretPointers = secretPointers
    }

    public var isValid: Bool { failures.isEmpty }

    /// The annotations of one keyword (`"writeOnly"`, `"x-qsl-preferred"`).
    public func annotations(named keyword: String) -> [SchemaAnnotation] {
        annotations.filter { $0.keyword == keyword }
    }
}
