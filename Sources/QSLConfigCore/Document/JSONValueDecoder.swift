/// Decodes a `Decodable` type from a value the project's reader has already parsed, so a file is
/// parsed once, with comments and trailing commas as the reader allows them, and a wrong type
/// or a missing key is reported at its line and column.
///
/// Object keys match exactly (Swift property names, not ASP.NET's case-insensitive keys).
/// Numbers decode from their exact source text; an integer type takes `30`, `30.0` or `3e1` and
/// refuses a fraction or a value out of its range.
///
/// ```swift
/// let document = try JSONDocument(parsing: bytes, file: "environments/production.json")
/// let definition = try JSONValueDecoder().decode(EnvironmentDefinition.self, from: document.root)
/// ```
public struct JSONValueDecoder: Sendable {
    public init() {}

    /// Decodes `type` from `value`.
    ///
    /// - Throws: ``Diagnostic`` (rule `schema`) at the value that does not fit, or at the object
    ///   that lacks a required key, naming the key path.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(Diagnostic) -> T {
        do {
            return try T(from: ValueDecoder(value: value, codingPath: []))
        } catch let error as Failure {
            throw Diagnostic(at: error.location, error.message, rule: "schema")
        } catch {
            throw Diagnostic(at: value.location, "cannot read this value: \(error)", rule: "schema")
        }
    }

    /// What went wrong, where; turned into a ``Diagnostic`` by ``decode(_:from:)``.
    struct Failure: Error {
        var message: String
        var location: SourceLocation
    }

    /// A key path as messages write it: `store.path`, `services[3].id`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    static func kindName(_ kind: JSONKind) -> String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .true, .false: "a boolean"
        case .null: "null"
        }
    }

    static func mismatch(_ value: JSONValue, expected: String, at codingPath: [any CodingKey]) -> Failure {
        Failure(message: "\(path(codingPath)) must be \(expected), not \(kindName(value.kind))", location: value.location)
    }

    private struct ValueDecoder: Decoder {
        let value: JSONValue
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard value.kind == .object else { throw JSONValueDecoder.mismatch(value, expected: "an object", at: codingPath) }
            var members: [String: JSONValue] = [:]
            for child in value.children { members[child.key ?? ""] = child }
            return KeyedDecodingContainer(Keyed<Key>(object: value, members: members, codingPath: codingPath))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard value.kind == .array else { throw JSONValueDecoder.mismatch(value, expected: "an array", at: codingPath) }
            return Unkeyed(array: value, codingPath: codingPath)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            Single(value: value, codingPath: codingPath)
        }
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: JSONValue
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]

        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        private func member(_ key: Key) throws -> JSONValue {
            guard let found = members[key.stringValue] else {
                throw Failure(message: "missing required key \(JSONValueDecoder.path(codingPath + [key]))", location: object.location)
            }
            return found
        }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key).kind == .null }

        private func single(_ key: Key) throws -> Single { Single(value: try member(key), codingPath: codingPath + [key]) }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try single(key).decode(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try single(key).decode(type) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try single(key).decode(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try single(key).decode(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try single(key).decode(type) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try single(key).decode(type) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try single(key).decode(type) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try single(key).decode(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try single(key).decode(type) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try single(key).decode(type) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try single(key).decode(type) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try single(key).decode(type) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try single(key).decode(type) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try single(key).decode(type) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try single(key).decode(type)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let found = members[key.stringValue], found.kind != .null else { return nil }
            return try Single(value: found, codingPath: codingPath + [key]).decode(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { ValueDecoder(value: object, codingPath: codingPath) }

        func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(value: try member(key), codingPath: codingPath + [key]) }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let array: JSONValue
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(array: JSONValue, codingPath: [any CodingKey]) {
            self.array = array
            self.elements = Array(array.children)
            self.codingPath = codingPath
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private struct Index: CodingKey {
            var intValue: Int?
            var stringValue: String { "\(intValue ?? 0)" }
            init(_ index: Int) { intValue = index }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        private mutating func next() throws -> (JSONValue, [any CodingKey]) {
            guard !isAtEnd else {
                throw Failure(message: "\(JSONValueDecoder.path(codingPath)) has too few elements", location: array.location)
            }
            defer { currentIndex += 1 }
            return (elements[currentIndex], codingPath + [Index(currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex].kind == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (value, path) = try next()
            return try Single(value: value, codingPath: path).decode(type)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (value, path) = try next()
            return try ValueDecoder(value: value, codingPath: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (value, path) = try next()
            return try ValueDecoder(value: value, codingPath: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let (value, path) = try next()
            return ValueDecoder(value: value, codingPath: path)
        }
    }

    private struct Single: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value.kind == .null }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard let bool = value.boolValue else { throw JSONValueDecoder.mismatch(value, expected: "a boolean", at: codingPath) }
            return bool
        }

        func decode(_ type: String.Type) throws -> String {
            guard let text = value.stringValue else { throw JSONValueDecoder.mismatch(value, expected: "a string", at: codingPath) }
            return text
        }

        func decode(_ type: Double.Type) throws -> Double {
            guard value.kind == .number, let number = Double(value.sourceText) else { throw JSONValueDecoder.mismatch(value, expected: "a number", at: codingPath) }
            return number
        }

        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

        private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
            guard value.kind == .number else { throw JSONValueDecoder.mismatch(value, expected: "an integer", at: codingPath) }
            let text = value.sourceText
            if let exact = I(text) { return exact }
            // `30.0` and `3e1` are integers too; a fraction or a value out of range is not.
            if let number = Double(text), number.rounded() == number, let exact = I(exactly: number) { return exact }
            throw Failure(message: "\(JSONValueDecoder.path(codingPath)) must be an integer from \(I.min) to \(I.max), not \(text)", location: value.location)
        }

        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try T(from: ValueDecoder(value: value, codingPath: codingPath))
        }
    }
}
