import QSLConfigCore

/// A JSON value the validator can check: the document model's ``JSONValue``, or any other tree
/// with the same shape (the merged configuration of a service, for one).
///
/// The validator reads an instance only through these members, so a conforming type decides how
/// its values are stored. Members of an object come in document order; the validator reports
/// failures in that order.
///
/// ```swift
/// let document = try JSONDocument(contentsOfFile: "appsettings.json")
/// let result = validator.validate(document.root)   // JSONValue is a JSONInstance
/// ```
public protocol JSONInstance {
    /// What kind of JSON value this is.
    var instanceKind: JSONKind { get }
    /// The members of an object, in document order; empty for other kinds.
    var objectMembers: [(key: String, value: Self)] { get }
    /// The elements of an array; empty for other kinds.
    var arrayElements: [Self] { get }
    /// The text of a string; `nil` for other kinds.
    var stringValue: String? { get }
    /// The exact JSON text of a number (`1.0`, `1e3`), so comparisons can be exact; `nil` for
    /// other kinds.
    var numberText: String? { get }
    /// Where the value starts in its file, when it comes from one.
    var sourceLocation: SourceLocation? { get }
}

extension JSONValue: JSONInstance {
    public var instanceKind: JSONKind { kind }

    public var objectMembers: [(key: String, value: JSONValue)] { members }

    public var arrayElements: [JSONValue] {
        guard kind == .array else { return [] }
        return Array(children)
    }

    public var numberText: String? { kind == .number ? sourceText : nil }

    public var sourceLocation: SourceLocation? { location }
}
