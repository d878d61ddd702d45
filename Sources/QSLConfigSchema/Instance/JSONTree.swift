import QSLConfigCore

/// An immutable JSON value owned by the schema module: schemas are converted to it once when
/// they are registered, so compiling never goes back to the document's bytes, and values the
/// validator makes up (a property name checked by `propertyNames`, a string coerced to a number)
/// have a type to live in.
struct JSONTree: Sendable {
    indirect enum Value: Sendable {
        case null
        case bool(Bool)
        /// The number's exact JSON text.
        case number(String)
        case string(String)
        case array([JSONTree])
        case object([(key: String, value: JSONTree)])
    }

    let value: Value
    private let origin: Origin?
    /// For an object of more than ``indexedMemberCount`` members: each name's first position,
    /// so looking a member up (a `$ref` into a `$defs` of thousands) does not scan the list.
    private let memberIndex: [String: Int]?

    /// Objects with more members than this are indexed by name; smaller ones are scanned.
    static let indexedMemberCount = 8

    /// Where a value came from. A document value's line and column are worked out only when
    /// asked for: converting a schema touches every value, reporting touches few.
    private enum Origin: Sendable {
        case document(JSONValue)
        case location(SourceLocation)
    }

    var location: SourceLocation? {
        switch origin {
        case .document(let value): value.location
        case .location(let location): location
        case nil: nil
        }
    }

    init(_ value: Value, location: SourceLocation? = nil) {
        self.init(value, origin: location.map(Origin.location))
    }

    private init(_ value: Value, source: JSONValue) {
        self.init(value, origin: .document(source))
    }

    private init(_ value: Value, origin: Origin?) {
        self.value = value
        self.origin = origin
        if case .object(let members) = value, members.count > Self.indexedMemberCount {
            var index: [String: Int] = [:]
            index.reserveCapacity(members.count)
            for (position, member) in members.enumerated() where index[member.key] == nil {
                index[member.key] = position
            }
            memberIndex = index
        } else {
            memberIndex = nil
        }
    }

    /// Copies a document value, keeping every value's location.
    init(_ source: JSONValue) {
        switch source.kind {
        case .null: self.init(.null, source: source)
        case .true: self.init(.bool(true), source: source)
        case .false: self.init(.bool(false), source: source)
        case .number: self.init(.number(source.sourceText), source: source)
        case .string: self.init(.string(source.stringValue ?? ""), source: source)
        case .array: self.init(.array(source.children.map(JSONTree.init)), source: source)
        case .object: self.init(.object(source.children.map { (key: $0.key ?? "", value: JSONTree($0)) }), source: source)
        }
    }

    /// The member called exactly `name` (schema keywords are case-sensitive, unlike
    /// configuration keys).
    subscript(name: String) -> JSONTree? {
        guard case .object(let members) = value else { return nil }
        if let memberIndex { return memberIndex[name].map { members[$0].value } }
        for member in members where member.key == name { return member.value }
        return nil
    }

    /// Whether members are looked up through a name index rather than a scan.
    var isIndexedByName: Bool { memberIndex != nil }

    var members: [(key: String, value: JSONTree)]? {
        if case .object(let members) = value { return members }
        return nil
    }

    var elements: [JSONTree]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    var bool: Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    /// The value at a JSON pointer (`/a/0/b`, tokens already unescaped).
    func descend(_ tokens: some Sequence<String>) -> JSONTree? {
        var current = self
        for token in tokens {
            switch current.value {
            case .object:
                guard let next = current[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Compact JSON text of the value (used in messages and annotation values).
    var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): JSONTree.writeString(text, to: &out)
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                element.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                JSONTree.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ text: String, to out: inout String) {
        out += JSONStringEncoding.quoted(text)
    }

    static func quoted(_ text: String) -> String {
        JSONStringEncoding.quoted(text)
    }
}

extension JSONTree: JSONInstance {
    var instanceKind: JSONKind {
        switch value {
        case .null: .null
        case .bool(let flag): flag ? .true : .false
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    var objectMembers: [(key: String, value: JSONTree)] { members ?? [] }
    var arrayElements: [JSONTree] { elements ?? [] }
    var stringValue: String? { string }
    var numberText: String? {
        if case .number(let text) = value { return text }
        return nil
    }
    var sourceLocation: SourceLocation? { location }
}
