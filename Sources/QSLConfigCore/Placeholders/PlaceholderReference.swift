/// One `${...}` reference inside a configuration value.
public enum PlaceholderReference: Sendable, Hashable, CustomStringConvertible {
    /// `${aws:secrets:...}`: a Secrets Manager secret, or one JSON key of it.
    case secret(SecretReference)
    /// `${aws:parameter:...}` or `${aws:ssm:...}`: an SSM parameter.
    case parameter(ParameterReference)
    /// `${VAR}` or `${VAR:default}`: a process environment variable.
    case environment(EnvironmentReference)

    /// The reference in its canonical `${...}` spelling.
    public var description: String {
        switch self {
        case .secret(let reference): reference.description
        case .parameter(let reference): reference.description
        case .environment(let reference): reference.description
        }
    }

    /// `body` as a reference: between `${` and `}`, or between `$<` and `>` when it holds a `}`,
    /// which only the alias form can carry (`$<VAR:{"a":1}>`), so that the text parses back to
    /// the same reference.
    static func spelled(_ body: String) -> String {
        body.contains("}") ? "$<" + body + ">" : "${" + body + "}"
    }

    /// Whether the reference is a relative secret reference (`${aws:secrets:./NAME}`).
    public var isRelativeSecret: Bool {
        if case .secret(let secret) = self { return secret.isRelative }
        return false
    }

    /// Whether the reference needs AWS (or a secret store) to resolve.
    public var isAWS: Bool {
        if case .environment = self { return false }
        return true
    }
}

/// A reference to a Secrets Manager secret: `${aws:secrets:ID[:JSONKEY[:STAGE[:VERSIONID]]]}`,
/// the same field order ECS uses in a `valueFrom`.
public struct SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// The secret's name or full ARN.
    public var secretId: String
    /// One top-level key of a JSON secret; `nil` for the whole `SecretString`.
    public var jsonKey: String?
    /// A staging label such as `AWSCURRENT` or `AWSPREVIOUS`.
    public var versionStage: String?
    /// A version id.
    public var versionId: String?

    public init(secretId: String, jsonKey: String? = nil, versionStage: String? = nil, versionId: String? = nil) {
        self.secretId = secretId
        self.jsonKey = jsonKey
        self.versionStage = versionStage
        self.versionId = versionId
    }

    /// Whether ``secretId`` is an ARN.
    public var isARN: Bool { secretId.hasPrefix("arn:") }

    /// Whether ``secretId`` is relative (`./NAME`): a name under the configuration's own
    /// `AWS:SecretsManagerPrefix`, so that one shared file can name each environment's secret.
    /// `migrate` writes these into files every environment loads.
    public var isRelative: Bool { secretId.hasPrefix(Self.relativeMarker) }

    /// What starts a relative secret id.
    public static let relativeMarker = "./"

    /// The reference with a relative id made absolute under `prefix` (`qsl/production/` and
    /// `./neon/userservice` make `qsl/production/neon/userservice`); itself when absolute.
    public func resolvingRelative(under prefix: String) -> SecretReference {
        guard isRelative else { return self }
        var copy = self
        let name = secretId.dropFirst(Self.relativeMarker.count)
        copy.secretId = prefix.hasSuffix("/") || prefix.isEmpty ? prefix + name : prefix + "/" + name
        return copy
    }

    /// The secret at its pinned version, without the JSON key: what a store fetches.
    public var version: SecretVersionSelector {
        SecretVersionSelector(secretId: secretId, versionStage: versionStage, versionId: versionId)
    }

    public var description: String {
        var text = "aws:secrets:" + secretId
        if jsonKey != nil || versionStage != nil || versionId != nil { text += ":" + (jsonKey ?? "") }
        if versionStage != nil || versionId != nil { text += ":" + (versionStage ?? "") }
        if let versionId { text += ":" + versionId }
        return PlaceholderReference.spelled(text)
    }
}

/// A secret at one version: what a store fetches once, however many keys use it.
public struct SecretVersionSelector: Sendable, Hashable, CustomStringConvertible {
    public var secretId: String
    public var versionStage: String?
    public var versionId: String?

    public init(secretId: String, versionStage: String? = nil, versionId: String? = nil) {
        self.secretId = secretId
        self.versionStage = versionStage
        self.versionId = versionId
    }

    /// Whether this selects the current version (no pin, or an explicit `AWSCURRENT`).
    public var isCurrent: Bool { versionId == nil && (versionStage == nil || versionStage == "AWSCURRENT") }

    public var description: String {
        var text = secretId
        if let versionStage { text += " (stage \(versionStage))" }
        if let versionId { text += " (version \(versionId))" }
        return text
    }
}

/// A reference to an SSM parameter: `${aws:parameter:NAME[:SELECTOR]}`, where SELECTOR is a
/// version number or a label, as `GetParameters` accepts them.
public struct ParameterReference: Sendable, Hashable, CustomStringConvertible {
    /// The parameter's name (`/qsl/production/config/kestra/url`) or ARN.
    public var name: String
    /// A version number or a parameter label.
    public var selector: String?

    public init(name: String, selector: String? = nil) {
        self.name = name
        self.selector = selector
    }

    /// The name as `GetParameters` takes it, selector included.
    public var requestName: String { selector.map { name + ":" + $0 } ?? name }

    public var description: String { PlaceholderReference.spelled("aws:parameter:" + requestName) }
}

/// A reference to a process environment variable, with an optional default.
public struct EnvironmentReference: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var defaultValue: String?

    public init(name: String, defaultValue: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }

    public var description: String { PlaceholderReference.spelled(defaultValue.map { name + ":" + $0 } ?? name) }
}
