import QSLConfig
import QSLConfigCore

/// What ``ValidationOperation`` checks.
///
/// ```swift
/// // Every service of the catalogue, as production would load it:
/// let request = ValidationRequest(.catalogue(root: ".", environment: "production", services: []))
/// // One service folder against one schema:
/// let single = ValidationRequest(.directory(path: "src/UserService", schema: "schemas/services/userservice.schema.json", environment: "Staging"))
/// ```
public struct ValidationRequest: Sendable {
    /// Which configuration to validate.
    public enum Target: Sendable {
        /// The services of the catalogue in `ROOT/environments/services.json` (all of them when
        /// `services` is empty), in an environment of `ROOT/environments/`.
        case catalogue(root: String, environment: String, services: [String])
        /// One service folder and its schema. `environment` is the ASP.NET environment name that
        /// selects `appsettings.{ENV}.json` (default `Production`); plaintext secrets are allowed
        /// only in `Development`.
        case directory(path: String, schema: String, environment: String?)
    }

    public var target: Target
    /// Environment files (`NAME=VALUE` lines) layered above the appsettings files, in order.
    /// The environment of the process running the validation is never a layer.
    public var environmentFiles: [String]
    /// Directory mode: the environment's secrets prefix (`qsl/staging/`). Without it, the
    /// configuration's own `AWS:SecretsManagerPrefix` is used when it is a literal; without
    /// either, secret references are not checked against a prefix (a note says so).
    public var secretsPrefix: String?
    /// Directory mode: the environment's parameter prefix (`/qsl/staging/config/`), found like
    /// ``secretsPrefix`` (from `AWS:ParameterStorePrefix`).
    public var parameterPrefix: String?
    /// Where `--remote` checks that every referenced secret and parameter exists, with metadata
    /// calls only. Called once with the environment (`nil` in directory mode); `nil` skips the
    /// check.
    public var remoteStore: (@Sendable (EnvironmentDefinition?) throws(StoreError) -> any SecretStore)?
    public var compatibility: AspNetCompatibility
    /// Directory mode: the folder the schema's `$ref`s may read files from (`schemas/` for
    /// `schemas/services/x.schema.json` referring to `../appsettings.shared.schema.json`).
    /// Without it, only the schema's own folder. Catalogue mode always confines them to the root.
    public var schemaRoot: String?

    public init(
        _ target: Target,
        environmentFiles: [String] = [],
        secretsPrefix: String? = nil,
        parameterPrefix: String? = nil,
        remoteStore: (@Sendable (EnvironmentDefinition?) throws(StoreError) -> any SecretStore)? = nil,
        compatibility: AspNetCompatibility = .default
    ) {
        self.target = target
        self.environmentFiles = environmentFiles
        self.secretsPrefix = secretsPrefix
        self.parameterPrefix = parameterPrefix
        self.remoteStore = remoteStore
        self.compatibility = compatibility
    }
}
