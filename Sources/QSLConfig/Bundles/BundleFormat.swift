/// The forms a service's configuration bundle takes.
public enum BundleFormat: String, Sendable, CaseIterable {
    /// `service.env`: resolved values, docker `--env-file` syntax, mode 0600.
    case dotenv
    /// `config.json`: the flat resolved map, mode 0600.
    case json
    /// `container-definition.json` (plain values in `environment`, references as `secrets`
    /// `valueFrom` ARNs) and `iam-policy.json` (the task role's least-privilege policy).
    case ecs
    /// `configmap.yaml` (plain values) and `secret.yaml` (secret values, mode 0600).
    case k8s

    /// Whether the bundle holds resolved secret values (and so needs the secrets read).
    var holdsValues: Bool { self != .ecs }
}

/// One file of a bundle, relative to the output folder.
public struct BundleFile: Sendable, Hashable {
    public var path: String
    public var bytes: [UInt8]
    /// `0o600` for files that hold secret values.
    public var mode: UInt32

    public init(path: String, bytes: [UInt8], mode: UInt32) {
        self.path = path
        self.bytes = bytes
        self.mode = mode
    }
}
