/// The forms a service's configuration bundle takes.
public enum BundleFormat: String, Sendable, CaseIterable {
    /// `service.env`: resolved values, docker `--env-file` syntax, mode 0600.
    case dotenv
    /// `config.json`: the flat resolved map, mode 0600.
    case json
    /// `container-definition.json` (plain values in `environment`, references as `secrets`
    /// `valueFrom` ARNs) and `iam-policy.json` (the least-privilege policy that reads them).
    /// Reads no Secrets Manager value (ARNs come from metadata) and writes no value of a
    /// secret or parameter it references.
    case ecs
    /// `configmap.yaml` (plain values) and `secret.yaml` (secret values, mode 0600).
    case k8s

    /// Whether the bundle holds resolved secret values (and so needs the secrets read).
    public var holdsValues: Bool { self != .ecs }
}
