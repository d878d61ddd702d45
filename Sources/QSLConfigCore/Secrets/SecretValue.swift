/// A value that must never reach a log, an error message or any output by accident.
///
/// `description`, `debugDescription`, string interpolation, `Encodable` output and reflection
/// (`dump`, `Mirror`, which would otherwise walk the stored text) all give `<redacted>`. The few places that must write the real value (an `exec` environment, a dotenv
/// bundle, a store write) call ``unsafeRevealed`` explicitly, so every such place is easy to find.
///
/// ```swift
/// let password = SecretValue("npg_example")
/// print("password: \(password)")   // password: <redacted>
/// ```
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Encodable {
    /// What every redacted value prints as.
    public static let redactionMarker = "<redacted>"

    private let storage: String

    public init(_ value: String) { self.storage = value }

    /// The real value. Only code that must hand the value to its destination calls this.
    public var unsafeRevealed: String { storage }

    public var description: String { Self.redactionMarker }
    public var debugDescription: String { "SecretValue(\(Self.redactionMarker))" }

    /// No children: `dump` and `Mirror` see the redaction marker, never the stored text.
    public var customMirror: Mirror { Mirror(self, children: ["value": Self.redactionMarker], displayStyle: .struct) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Self.redactionMarker)
    }

    /// Equal when the bytes are: Secrets Manager and Parameter Store compare values byte for byte,
    /// where `String` equality takes two Unicode spellings of one text (`é` and `e` + U+0301) as
    /// the same, and a store holding one would be "unchanged" for the other.
    public static func == (a: SecretValue, b: SecretValue) -> Bool {
        a.storage.utf8.elementsEqual(b.storage.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        var bytes = Array(storage.utf8)
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }
}
