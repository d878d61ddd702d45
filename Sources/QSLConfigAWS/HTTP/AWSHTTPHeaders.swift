import QSLConfigCore

/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Order and repeated names are kept as given, because SigV4 joins repeated values in the order
/// they appear and the conformance vectors check the signed request line by line.
///
/// ```swift
/// var headers = AWSHTTPHeaders([("Content-Type", "application/x-amz-json-1.1")])
/// headers.replaceOrAdd(name: "X-Amz-Target", value: "secretsmanager.GetSecretValue")
/// headers["content-type"]   // "application/x-amz-json-1.1"
/// ```
///
/// Printed, the values of the headers that carry credentials (`Authorization`,
/// `X-Amz-Security-Token`, `X-aws-ec2-metadata-token`) read `<redacted>`.
public struct AWSHTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible, CustomDebugStringConvertible
{
    /// One header line: a name as written and its raw value.
    public struct Field: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// `Name: value`, or `Name: <redacted>` for a credential header.
        public var description: String {
            let shown = AWSHTTPHeaders.redactedNames.contains(name.lowercased()) ? SecretValue.redactionMarker : value
            return "\(name): \(shown)"
        }

        public var debugDescription: String { description }
    }

    /// Headers that carry credentials (lower-cased): the SigV4 signature, the session token, the
    /// instance metadata token and the container credentials token (sent as `Authorization`).
    static let redactedNames: Set<String> = [
        "authorization", "proxy-authorization", "x-amz-security-token", "x-aws-ec2-metadata-token",
    ]

    /// The fields in the order they were added.
    public private(set) var fields: [Field]

    public init() { self.fields = [] }

    public init(_ pairs: [(String, String)]) {
        self.fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value for `name` (compared case-insensitively), or `nil`.
    public subscript(name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Appends a field, keeping any existing ones with the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one field, or appends it if there was none.
    public mutating func replaceOrAdd(name: String, value: String) {
        let wanted = name.lowercased()
        if let first = fields.firstIndex(where: { $0.name.lowercased() == wanted }) {
            fields[first].value = value
            var index = fields.index(after: first)
            while index < fields.endIndex {
                if fields[index].name.lowercased() == wanted {
                    fields.remove(at: index)
                } else {
                    index = fields.index(after: index)
                }
            }
        } else {
            fields.append(Field(name: name, value: value))
        }
    }

    public var description: String { "[" + fields.map(\.description).joined(separator: ", ") + "]" }
    public var debugDescription: String { description }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        let wanted = name.lowercased()
        fields.removeAll { $0.name.lowercased() == wanted }
    }
}
