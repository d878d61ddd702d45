import QSLConfigCore

/// What to load for one service and how.
///
/// Printing or reflecting it (`dump`, `Mirror`) names the environment's variables, never their
/// values: the environment holds what ECS injected and the AWS and local-store credentials.
public struct ConfigurationOptions: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The folder holding `appsettings.json` and `appsettings.{Environment}.json`; `nil` for a
    /// configuration taken from the environment alone (``fromEnvironment(_:only:store:)``).
    public var configDirectory: String?
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
    /// How variables become keys: as ASP.NET maps them (`Section__Key` → `Section:Key`), or
    /// verbatim, one key per variable, for `exec --from-environment`.
    public var environmentStyle: EnvironmentStyle
    /// `NAME=VALUE` files layered above the environment (`validate --env-file`).
    public var environmentFiles: [ConfigurationLayer]
    /// Whether `AWS:ParameterStorePrefix` adds its layer (`validate` reads files only).
    public var loadsParameterStore: Bool
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
    /// (`AWSPREVIOUS` during a rotation); a secret with no version there reads `AWSCURRENT`.
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
        self.environmentStyle = .aspNet
        self.environmentFiles = []
        self.loadsParameterStore = true
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

    /// How environment variables become configuration keys.
    public enum EnvironmentStyle: Sendable, Equatable {
        /// `Section__Key` → `Section:Key`, with the Azure connection-string prefixes.
        case aspNet
        /// One key per variable, named as the variable; only `variables` when given.
        case verbatim(only: Set<String>?)
    }

    /// The configuration an ECS task's environment carries, no files: each variable (or only
    /// those named) is a key of its own name, so references inside it resolve and the result
    /// maps back to the same variable (`exec --from-environment`).
    public static func fromEnvironment(_ variables: [String: String], only: Set<String>? = nil, store: (any SecretStore)?) -> ConfigurationOptions {
        var options = ConfigurationOptions(configDirectory: "", environmentVariables: variables, store: store)
        options.configDirectory = nil
        options.environmentStyle = .verbatim(only: only)
        options.loadsParameterStore = false
        return options
    }

    /// The environment name these options select.
    public var resolvedEnvironmentName: String {
        environmentName ?? HostEnvironment.name(builder: .webApplication, environment: environmentVariables, arguments: arguments)
    }
}

extension ConfigurationOptions {
    public var description: String {
        var parts: [String] = []
        if let configDirectory { parts.append("configDirectory: \(configDirectory)") }
        if let sharedDirectory { parts.append("sharedDirectory: \(sharedDirectory)") }
        if let environmentName { parts.append("environment: \(environmentName)") }
        parts.append("environmentVariables: \(environmentVariables.count) (names only: \(environmentVariables.keys.sorted().joined(separator: ", ")))")
        parts.append("environmentIsLayer: \(environmentIsLayer)")
        if !arguments.isEmpty { parts.append("arguments: \(arguments.count)") }
        parts.append("store: \(store?.storeDescription ?? "none")")
        return "ConfigurationOptions(" + parts.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }

    /// The fields, the variables by name only and the store by its description: command-line
    /// overrides are counted, not shown (`--Db:Password=...` is one).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "configDirectory": configDirectory as Any, "sharedDirectory": sharedDirectory as Any, "environmentName": environmentName as Any,
                "environmentVariableNames": environmentVariables.keys.sorted(), "environmentIsLayer": environmentIsLayer,
                "arguments": arguments.count, "store": store?.storeDescription as Any, "keepAWSReferences": keepAWSReferences,
                "compatibility": compatibility,
            ],
            displayStyle: .struct)
    }
}
