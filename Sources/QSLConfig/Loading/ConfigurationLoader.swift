import Logging
import QSLConfigCore

/// Loads and resolves a service's configuration: the layers ASP.NET Core would build, the
/// Parameter Store prefix layer, then every reference in one batched pass.
///
/// Layers, lowest priority first:
/// 0. for a service of the platform catalogue, the shared AppHost-level `appsettings.json` and
///    `appsettings.{Environment}.json`, filtered to the sections and connection strings the
///    service uses,
/// 1. `appsettings.json`, 2. `appsettings.{Environment}.json`,
/// 3. every SSM parameter under `AWS:ParameterStorePrefix`, when that key is set
///    (`/prefix/Section/Key` → `Section:Key`, as AWS's .NET Systems Manager provider maps them),
/// 4. environment variables, 5. command-line arguments.
///
/// The Parameter Store layer sits above the files and below the environment and the command
/// line, so a deployment can still override one setting with an environment variable.
public struct ConfigurationLoader: Sendable {
    public var logger: Logger

    public init(logger: Logger = Logger(label: "qsl-config")) {
        self.logger = logger
    }

    /// The layered configuration before references are resolved, plus the keys that came from
    /// SecureString parameters.
    public func layers(_ options: ConfigurationOptions) async throws(ResolutionError) -> (configuration: LayeredConfiguration, secureKeys: Set<ConfigKey>) {
        var fileLayers: [ConfigurationLayer] = []
        var problems: [Diagnostic] = []
        for (folder, filter) in [(options.sharedDirectory, options.sharedFilter), (options.configDirectory, nil)] {
            guard let folder else { continue }
            let directory = AppsettingsDirectory(path: folder, limits: options.limits, compatibility: options.compatibility)
            do {
                for document in try directory.readDocuments(environment: options.resolvedEnvironmentName) {
                    do {
                        let layer = try ConfigurationLayer.json(document, compatibility: options.compatibility)
                        fileLayers.append(filter.map { filter in layer.filtered(filter.accepts) } ?? layer)
                    } catch {
                        problems.append(error)
                    }
                }
            } catch {
                problems += error.diagnostics
            }
        }
        let environmentLayer = options.environmentIsLayer ? ConfigurationLayer.environment(options.environmentVariables, compatibility: options.compatibility) : nil
        var argumentLayer = ConfigurationLayer(name: "command line")
        do { argumentLayer = try .commandLine(options.arguments) } catch { problems.append(error) }
        guard problems.isEmpty else { throw ResolutionError(problems) }

        var configuration = LayeredConfiguration(layers: fileLayers + [environmentLayer, argumentLayer].compactMap { $0 })
        var secureKeys: Set<ConfigKey> = []
        if let prefixValue = configuration["AWS:ParameterStorePrefix"], let prefix = prefixValue, !prefix.isEmpty, !options.keepAWSReferences {
            guard let store = options.store else {
                throw ResolutionError([
                    Diagnostic(
                        at: configuration.entry("AWS:ParameterStorePrefix")?.origin.location,
                        "AWS:ParameterStorePrefix is set to \(prefix), which needs a secret store to load", rule: "store",
                        keyPath: "AWS:ParameterStorePrefix")
                ])
            }
            let parameters: [StoredParameter]
            do { parameters = try await store.getParameters(underPath: prefix) } catch {
                throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
            }
            var layer = ConfigurationLayer(name: "Parameter Store \(prefix)")
            let base = prefix.hasSuffix("/") ? prefix : prefix + "/"
            for parameter in parameters where parameter.name.hasPrefix(base) {
                let key = ConfigKey(parameter.name.dropFirst(base.count).split(separator: "/").joined(separator: ":"))
                layer.set(ConfigEntry(key: key, value: parameter.value.unsafeRevealed, origin: ValueOrigin(.parameterStore(name: parameter.name))))
                if parameter.isSecure { secureKeys.insert(key) }
            }
            logger.debug("loaded Parameter Store layer", metadata: ["prefix": "\(prefix)", "parameters": "\(parameters.count)"])
            configuration = LayeredConfiguration(layers: fileLayers + [layer] + [environmentLayer, argumentLayer].compactMap { $0 })
        }
        return (configuration, secureKeys)
    }

    /// The fully resolved configuration of one service.
    ///
    /// - Throws: ``ResolutionError`` listing every problem at once: unreadable files, malformed
    ///   references, missing secrets, parameters or variables, each at its `FILE:LINE:COL`.
    public func load(_ options: ConfigurationOptions, secretKeys: Set<ConfigKey> = []) async throws(ResolutionError) -> ResolvedConfiguration {
        let (configuration, secureKeys) = try await layers(options)
        var resolver = ReferenceResolver(
            store: options.store, environmentVariables: options.environmentVariables,
            keepAWSReferences: options.keepAWSReferences, secretKeys: secretKeys.union(secureKeys))
        resolver.defaultVersionStage = options.defaultVersionStage
        let (resolved, statistics) = try await resolver.resolveAll([configuration])
        logger.debug(
            "resolved configuration",
            metadata: [
                "keys": "\(resolved[0].values.count)", "secrets": "\(statistics.uniqueSecrets)",
                "parameters": "\(statistics.uniqueParameters)", "calls": "\(statistics.secretCalls + statistics.parameterCalls)",
            ])
        return resolved[0]
    }
}
