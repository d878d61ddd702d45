import QSLConfigCore

/// What to load for one service and how.
public struct ConfigurationOptions: Sendable {
    /// The folder holding `appsettings.json` and `appsettings.{Environment}.json`.
    public var configDirectory: String
    /// The platform's shared (AppHost-level) folder, layered below the service's own files.
    public var sharedDirectory: String?
    /// Which shared settings the service receives; all of them when `nil`.
    public var sharedFilter: SharedSettingsFilter?
    /// The environment name; `nil` picks it as ASP.NET does (`DOTNET_ENVIRONMENT`,
    /// `ASPNETCORE_ENVIRONMENT`, `--environment`, else `Production`).
    public var environmentName: String?
    /// The process environment: a configuration layer, and the values of `${VAR}` references.
    public var environmentVariables: [String: String]
    /// Whether the environment is a layer (a service: yes; `validate`: only what is given).
    public var environmentIsLayer: Bool
    /// Command-line overrides (`--Key=value`).
    public var arguments: [String]
    /// Where `aws:` references resolve; `nil` leaves them unresolved and fails on them.
    public var store: (any SecretStore)?
    /// Leave `aws:` references as written.
    public var keepAWSReferences: Bool
    /// List the Parameter Store prefix layer (`AWS:ParameterStorePrefix`) by name only, without
    /// decryption: each of its keys is defined with a null value and its origin names the
    /// parameter. For a consumer that references parameters rather than reading them (the `ecs`
    /// bundle writes their ARNs), so that the machine needs no `kms:Decrypt` and never holds a
    /// SecureString's value.
    public var parameterStoreNamesOnly: Bool = false
    /// Resolve unpinned secret references at this staging label instead of `AWSCURRENT`
    /// (`AWSPREVIOUS` during a rotation).
    public var defaultVersionStage: String?
    public var compatibility: AspNetCompatibility
    public var limits: ReaderLimits

    public init(
        configDirectory: String,
        environmentName: String? = nil,
        environmentVariables: [String: String],
        environmentIsLayer: Bool = true,
        arguments: [String] = [],
        store: (any SecretStore)? = nil,
        keepAWSReferences: Bool = false,
        defaultVersionStage: String? = nil,
        compatibility: AspNetCompatibility = .default,
        limits: ReaderLimits = .default
    ) {
        self.configDirectory = configDirectory
        self.sharedDirectory = nil
        self.sharedFilter = nil
        self.environmentName = environmentName
        self.environmentVariables = environmentVariables
        self.environmentIsLayer = environmentIsLayer
        self.arguments = arguments
        self.store = store
        self.keepAWSReferences = keepAWSReferences
        self.defaultVersionStage = defaultVersionStage
        self.compatibility = compatibility
        self.limits = limits
    }

    /// The environment name these options select.
    public var resolvedEnvironmentName: String {
        environmentName ?? HostEnvironment.name(builder: .webApplication, environment: environmentVariables, arguments: arguments)
    }
}
