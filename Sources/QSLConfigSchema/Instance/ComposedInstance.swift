import QSLConfigCore

/// A JSON value assembled in memory rather than read whole from one document: objects and
/// arrays built member by member, whose leaves are values of parsed documents (so a number
/// stays a number, with its position) or plain text with an optional position.
///
/// A merged configuration is one: its sections come from several files and environment
/// variables. ``SchemaValidator/validate(_:)-(ComposedInstance)`` is specialised for it, like
/// the one for ``JSONValue``.
///
/// ```swift
/// let instance = ComposedInstance.object([("Port", ComposedInstance(document.root["Port"]!))], location: nil)
/// let result = validator.validate(instance)
/// ```
public struct ComposedInstance: JSONInstance, Sendable {
    indirect enum Storage: Sendable {
        case object([(key: String, value: ComposedInstance)], SourceLocation?)
        case array([ComposedInstance], SourceLocation?)
        case value(JSONValue)
        case text(String, SourceLocation?)
    }

    let storage: Storage

    /// A value of a parsed document, with everything below it.
    public init(_ value: JSONValue) { storage = .value(value) }

    /// A string that comes from no document (an environment variable), at `location` if known.
    public init(text: String, location: SourceLocation?) { storage = .text(text, location) }

    /// An object of `members`, in order.
    public static func object(_ members: [(key: String, value: ComposedInstance)], location: SourceLocation?) -> ComposedInstance {
        ComposedInstance(storage: .object(members, location))
    }

    /// An array of `elements`, in order.
    public static func array(_ elements: [ComposedInstance], location: SourceLocation?) -> ComposedInstance {
        ComposedInstance(storage: .array(elements, location))
    }

    init(storage: Storage) { self.storage = storage }

    public var instanceKind: JSONKind {
        switch storage {
        case .object: .object
        case .array: .array
        case .value(let value): value.kind
        case .text: .string
        }
    }

    public var objectMembers: [(key: String, value: ComposedInstance)] {
        switch storage {
        case .object(let members, _): members
        case .value(let value): value.kind == .object ? value.members.map { ($0.key, ComposedInstance($0.value)) } : []
        case .array, .text: []
        }
    }

    public var arrayElements: [ComposedInstance] {
        switch storage {
        case .array(let elements, _): elements
        case .value(let value): value.kind == .array ? value.children.map { ComposedInstance($0) } : []
        case .object, .text: []
        }
    }

    public var stringValue: String? {
        switch storage {
        case .object, .array: nil
        case .value(let value): value.stringValue
        case .text(let text, _): text
        }
    }

    public var numberText: String? {
        if case .value(let value) = storage { return value.numberText }
        return nil
    }

    public var sourceLocation: SourceLocation? {
        switch storage {
        case .object(_, let location), .array(_, let location): location
        case .value(let value): value.location
        case .text(_, let location): location
        }
    }
}
