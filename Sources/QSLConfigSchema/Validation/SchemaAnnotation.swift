import QSLConfigCore

/// An annotation the schema attaches to an instance location, kept for the platform's
/// policies: `writeOnly: true` marks a secret-bearing key, `deprecated: true` a spelling to
/// migrate away from, and every `x-qsl-*` keyword (such as `x-qsl-preferred`, naming the
/// canonical spelling of a setting) is passed through with its value.
///
/// Only subschemas that apply contribute: a failed `anyOf`/`oneOf` alternative, a failed `if`,
/// and anything under `not` add nothing.
public struct SchemaAnnotation: Sendable, Hashable, CustomStringConvertible {
    /// The annotated value as a JSON pointer into the instance.
    public var instancePointer: String
    /// Where the annotated value starts, when the instance comes from a file.
    public var instanceLocation: SourceLocation?
    /// `writeOnly`, `deprecated` or the `x-qsl-*` keyword.
    public var keyword: String
    /// The keyword's value as compact JSON text (`true`, `"Security:JWT:Secret"`).
    public var valueText: String
    /// The keyword's canonical schema location (`URI#pointer`).
    public var schemaLocation: String

    public init(instancePointer: String, instanceLocation: SourceLocation?, keyword: String, valueText: String, schemaLocation: String) {
        self.instancePointer = instancePointer
        self.instanceLocation = instanceLocation
        self.keyword = keyword
        self.valueText = valueText
        self.schemaLocation = schemaLocation
    }

    /// The instance pointer as an ASP.NET configuration key path.
    public var keyPath: String { Self.keyPath(fromPointer: instancePointer) }

    public var description: String {
        "\(instanceLocation.map { "\($0): " } ?? "")\(keyPath.isEmpty ? "/" : keyPath): \(keyword) = \(valueText)"
    }

    /// `/Security/JWT/Secret` → `Security:JWT:Secret`.
    public static func keyPath(fromPointer pointer: String) -> String {
        (JSONPointer.tokens(pointer) ?? []).joined(separator: ":")
    }
}
