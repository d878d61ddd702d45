/// What ``SchemaValidator/validate(_:)`` found: every failure, and the annotations (secrets,
/// deprecations, `x-qsl-*`) of the values that were checked.
public struct SchemaValidationResult: Sendable {
    /// Every failure, in instance document order per keyword.
    public var failures: [SchemaValidationFailure]
    /// `writeOnly`, `deprecated` and `x-qsl-*` annotations, one per instance location and
    /// keyword and value.
    public var annotations: [SchemaAnnotation]

    public init(failures: [SchemaValidationFailure], annotations: [SchemaAnnotation]) {
        self.failures = failures
        self.annotations = annotations
    }

    public var isValid: Bool { failures.isEmpty }

    /// The annotations of one keyword (`"writeOnly"`, `"x-qsl-preferred"`).
    public func annotations(named keyword: String) -> [SchemaAnnotation] {
        annotations.filter { $0.keyword == keyword }
    }
}
