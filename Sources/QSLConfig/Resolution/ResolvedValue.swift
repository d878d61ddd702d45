import QSLConfigCore

/// One key of a resolved configuration. Printing it shows ``displayValue``, never a secret.
public struct ResolvedValue: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Why a value counts as secret.
    public enum Sensitivity: Sendable, Hashable {
        /// Not secret.
        case plain
        /// The key's name, a schema mark or a connection string says it holds a credential.
        case secretKey
        /// Some or all of the value came from a secret store.
        case fromSecret
    }

    public var key: ConfigKey
    private let storage: String?
    public var sensitivity: Sensitivity
    public var origin: ValueOrigin

    public init(key: ConfigKey, value: String?, sensitivity: Sensitivity, origin: ValueOrigin) {
        self.key = key
        self.storage = value
        self.sensitivity = sensitivity
        self.origin = origin
    }

    public var isSecret: Bool { sensitivity != .plain }

    /// The real value; `nil` for a key defined as null. Call only where the value must reach its
    /// destination (a service's own settings, an `exec` environment, a bundle).
    public var unsafeRevealedValue: String? { storage }

    /// The value for display: secret values as `<redacted>`, connection-string passwords masked.
    public var displayValue: String? {
        guard let storage else { return nil }
        if isSecret { return SecretValue.redactionMarker }
        return SecretKeyPolicy.redactingEmbeddedPassword(in: storage) ?? storage
    }

    public var description: String { "\(key) = \(displayValue ?? "null")" }
    public var debugDescription: String { description }
}
