import QSLConfigCore

/// One key of a resolved configuration. Printing it shows ``displayValue``, never a secret.
public struct ResolvedValue: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Why a value counts as secret.
    public enum Sensitivity: Sendable, Hashable {
        /// Not secret.
        case plain
        /// The key's name (``CredentialClassifier``), a schema mark or a connection string says
        /// it holds a credential.
        case secretKey
        /// Some or all of the value came from a secret store.
        case fromSecret
    }

    public var key: ConfigKey
    private let storage: String?
    public var sensitivity: Sensitivity
    public var origin: ValueOrigin
    /// Whether the value as written held references or escapes, so that resolution rewrote it;
    /// `false` for a value taken as written.
    public var isRendered = false

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

    /// The value for display: secret values, and values of keys named like a credential, as
    /// `<redacted>`; elsewhere exactly the credentials the value's shape gives away (a
    /// connection-string or URL password, an API key in a URL, a token) masked.
    ///
    /// The key is checked here too, not only by the resolver that set ``sensitivity``, so that
    /// a value built by hand prints no less redacted than a resolved one.
    public var displayValue: String? {
        guard let storage else { return nil }
        if isSecret { return SecretValue.redactionMarker }
        // Resolved: every byte is the value's own, a `${` in a password included.
        return CredentialClassifier.redacting(storage, key: key, readsReferences: false) ?? storage
    }

    /// Whether any of the value must be hidden wherever it is shown: a secret, a key named like
    /// a credential, or a value whose shape holds one (a password in a URL or a connection
    /// string). What ``displayValue`` masks, as one answer for consumers that redact whole
    /// values (swift-configuration's `isSecret`).
    public var needsRedaction: Bool {
        guard let storage else { return isSecret }
        return isSecret || CredentialClassifier.isCredentialKey(key) || CredentialClassifier.containsCredential(storage, readsReferences: false)
    }

    public var description: String { "\(key) = \(displayValue ?? "null")" }
    public var debugDescription: String { description }

    /// What `dump` and `Mirror` see: the key, ``displayValue`` in place of the stored value, the
    /// sensitivity and the origin.
    public var customMirror: Mirror {
        Mirror(
            self, children: ["key": key, "value": displayValue as Any, "sensitivity": sensitivity, "origin": origin, "isRendered": isRendered],
            displayStyle: .struct)
    }
}
