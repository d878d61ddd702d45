import QSLConfigCore

/// One service's layers before the Parameter Store prefix is loaded and before references are
/// resolved: its file layers (the shared ones already filtered), the environment layers, the
/// command line, and the Parameter Store prefix the files set.
///
/// Built by ``ConfigurationLoader/readLayers(_:reader:)``; `validate` uses the documents for
/// positions, the loader assembles and resolves.
public struct ServiceLayers: Sendable {
    /// One file layer and where it came from.
    public struct FileLayer: Sendable {
        public var document: JSONDocument
        /// The file's layer; for a shared file, only what the service uses.
        public var layer: ConfigurationLayer
        /// Whether the file is a shared (AppHost-level) one rather than the service's own.
        public var isShared: Bool
    }

    /// The host configuration `WebApplication.CreateBuilder` puts beneath the files: the
    /// `ASPNETCORE_`-prefixed variables, then the `DOTNET_`-prefixed ones, each with its prefix
    /// removed (`ASPNETCORE_URLS` → `URLS`). Empty when the environment is not a layer.
    public var hostEnvironment: [ConfigurationLayer] = []
    public var files: [FileLayer]
    /// The process environment (`Section__Key`), or the named variables verbatim (`exec
    /// --from-environment`); `nil` when the environment is not a layer.
    public var environment: ConfigurationLayer?
    /// Environment files (`--env-file`), above the process environment.
    public var environmentFiles: [ConfigurationLayer]
    public var arguments: ConfigurationLayer
    /// `AWS:ParameterStorePrefix` when the layers set it and the Parameter Store layer is due.
    public var parameterStorePrefix: (prefix: String, location: SourceLocation?)?

    /// Lowest priority first: the host's prefixed variables, files, the Parameter Store layer,
    /// environment, environment files, command line.
    public func assembled(parameterStore: ConfigurationLayer? = nil) -> LayeredConfiguration {
        LayeredConfiguration(
            layers: hostEnvironment + files.map(\.layer) + [parameterStore, environment].compactMap { $0 } + environmentFiles + [arguments])
    }
}
