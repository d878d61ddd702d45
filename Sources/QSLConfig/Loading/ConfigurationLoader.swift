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
        let (configurations, secureKeys, _) = try await layersAll([options])
        return (configurations[0], secureKeys)
    }

    /// The file, environment and command-line layers of one service, and the Parameter Store
    /// prefix (`AWS:ParameterStorePrefix`) they set, if any.
    struct ReadLayers {
        var files: [ConfigurationLayer]
        var environment: ConfigurationLayer?
        var arguments: ConfigurationLayer
        var parameterStorePrefix: (prefix: String, location: SourceLocation?)?

        /// Lowest priority first: files, the Parameter Store layer, environment, command line.
        func assembled(parameterStore: ConfigurationLayer? = nil) -> LayeredConfiguration {
            LayeredConfiguration(layers: files + [parameterStore, environment, arguments].compactMap { $0 })
        }
    }

    func readLayers(_ options: ConfigurationOptions) throws(ResolutionError) -> ReadLayers {
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

        var read = ReadLayers(files: fileLayers, environment: environmentLayer, arguments: argumentLayer)
        let merged = read.assembled()
        if let prefixValue = merged["AWS:ParameterStorePrefix"], let prefix = prefixValue, !prefix.isEmpty, !options.keepAWSReferences {
            let location = merged.entry("AWS:ParameterStorePrefix")?.origin.location
            guard options.store != nil else {
                throw ResolutionError([
                    Diagnostic(
                        at: location, "AWS:ParameterStorePrefix is set to \(prefix), which needs a secret store to load", rule: "store",
                        keyPath: "AWS:ParameterStorePrefix")
                ])
            }
            read.parameterStorePrefix = (prefix, location)
        }
        return read
    }

    /// Every parameter under `prefix` as a layer (`/prefix/Section/Key` → `Section:Key`, as
    /// AWS's .NET Systems Manager provider maps them), and the keys that came from SecureStrings.
    /// With `namesOnly` the prefix is listed without decryption and every key's value is null
    /// (see ``ConfigurationOptions/parameterStoreNamesOnly``).
    func parameterStoreLayer(
        _ prefix: (prefix: String, location: SourceLocation?), store: (any SecretStore)?, namesOnly: Bool = false
    ) async throws(ResolutionError) -> (layer: ConfigurationLayer, secureKeys: Set<ConfigKey>) {
        guard let store else { throw ResolutionError([Diagnostic(at: prefix.location, "AWS:ParameterStorePrefix needs a secret store", rule: "store")]) }
        // (name, value, secure); the value is nil when only names were listed.
        let parameters: [(name: String, value: String?, isSecure: Bool)]
        do {
            if namesOnly {
                parameters = try await store.parameterMetadata(underPath: prefix.prefix).map { ($0.name, nil, $0.type == "SecureString") }
            } else {
                parameters = try await store.getParameters(underPath: prefix.prefix).map { ($0.name, $0.value.unsafeRevealed, $0.isSecure) }
            }
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }
        var layer = ConfigurationLayer(name: "Parameter Store \(prefix.prefix)")
        var secureKeys: Set<ConfigKey> = []
        let base = prefix.prefix.hasSuffix("/") ? prefix.prefix : prefix.prefix + "/"
        for parameter in parameters where parameter.name.hasPrefix(base) {
            let key = ConfigKey(parameter.name.dropFirst(base.count).split(separator: "/").joined(separator: ":"))
            layer.set(ConfigEntry(key: key, value: parameter.value, origin: ValueOrigin(.parameterStore(name: parameter.name))))
            if parameter.isSecure { secureKeys.insert(key) }
        }
        logger.debug(
            "loaded Parameter Store layer", metadata: ["prefix": "\(prefix.prefix)", "parameters": "\(parameters.count)", "namesOnly": "\(namesOnly)"])
        return (layer, secureKeys)
    }

    /// The fully resolved configuration of one service.
    ///
    /// - Throws: ``ResolutionError`` listing every problem at once: unreadable files, malformed
    ///   references, missing secrets, parameters or variables, each at its `FILE:LINE:COL`.
    public func load(_ options: ConfigurationOptions) async throws(ResolutionError) -> ResolvedConfiguration {
        try await loadAll([options]).configurations[0]
    }

    /// The layered configurations of several services before references are resolved: every
    /// service's files are read first (every problem of every service is reported at once), then
    /// each distinct Parameter Store prefix is listed once, concurrently, however many services
    /// set it. Also returns the keys that came from SecureString parameters and how many
    /// listings were made. The store and ``ConfigurationOptions/parameterStoreNamesOnly`` of the
    /// first options apply to all.
    public func layersAll(
        _ options: [ConfigurationOptions]
    ) async throws(ResolutionError) -> (configurations: [LayeredConfiguration], secureKeys: Set<ConfigKey>, prefixListings: Int) {
        var reads: [ReadLayers] = []
        var problems: [Diagnostic] = []
        for option in options {
            do { reads.append(try readLayers(option)) } catch { problems += error.diagnostics }
        }
        guard problems.isEmpty else { throw ResolutionError(problems) }

        var prefixes: [String: SourceLocation?] = [:]
        for read in reads { if let prefix = read.parameterStorePrefix { prefixes[prefix.prefix] = prefixes[prefix.prefix] ?? prefix.location } }
        typealias PrefixLayer = (layer: ConfigurationLayer, secureKeys: Set<ConfigKey>)
        var prefixLayers: [String: PrefixLayer] = [:]
        let loader = self
        let store = options.first?.store
        let namesOnly = options.first?.parameterStoreNamesOnly ?? false
        do {
            prefixLayers = try await withThrowingTaskGroup(of: (String, PrefixLayer).self) { group in
                for (prefix, location) in prefixes {
                    group.addTask { (prefix, try await loader.parameterStoreLayer((prefix, location), store: store, namesOnly: namesOnly)) }
                }
                var layers: [String: PrefixLayer] = [:]
                for try await (prefix, layer) in group { layers[prefix] = layer }
                return layers
            }
        } catch let error as ResolutionError {
            throw error
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(error)", rule: "store")], isStoreFailure: true)
        }

        var secureKeys: Set<ConfigKey> = []
        let configurations = reads.map { read in
            let layer = read.parameterStorePrefix.flatMap { prefixLayers[$0.prefix] }
            if let layer { secureKeys.formUnion(layer.secureKeys) }
            return read.assembled(parameterStore: layer?.layer)
        }
        return (configurations, secureKeys, prefixLayers.count)
    }

    /// The resolved configurations of several services in one pass, as a deploy pipeline or
    /// `resolve --all-services` needs them: every service's files are read first, each distinct
    /// Parameter Store prefix is listed once (concurrently), and then every reference of every
    /// service is resolved together, so a secret many services share is fetched once and the
    /// whole platform costs ceil(unique secrets / 20) + ceil(unique parameters / 10) calls plus
    /// one listing per prefix.
    ///
    /// The store, `keepAWSReferences` and `defaultVersionStage` of the first options apply to all.
    ///
    /// ```swift
    /// let options = try ids.map { try root.options(service: $0, environment: production, environmentVariables: env, store: store) }
    /// let (configurations, statistics) = try await ConfigurationLoader().loadAll(options)
    /// ```
    ///
    /// - Throws: ``ResolutionError`` listing every problem of every service at once.
    public func loadAll(_ options: [ConfigurationOptions]) async throws(ResolutionError) -> (configurations: [ResolvedConfiguration], statistics: ReferenceResolver.Statistics) {
        guard let first = options.first else { return ([], ReferenceResolver.Statistics()) }
        let (configurations, secureKeys, prefixListings) = try await layersAll(options)
        let store = first.store
        var resolver = ReferenceResolver(
            store: store, environmentVariables: first.environmentVariables, keepAWSReferences: first.keepAWSReferences, secretKeys: secureKeys)
        resolver.defaultVersionStage = first.defaultVersionStage
        let (resolved, statistics) = try await resolver.resolveAll(configurations)
        logger.debug(
            "resolved configurations",
            metadata: [
                "services": "\(resolved.count)", "secrets": "\(statistics.uniqueSecrets)", "parameters": "\(statistics.uniqueParameters)",
                "calls": "\(statistics.secretCalls + statistics.parameterCalls)", "prefixListings": "\(prefixListings)",
            ])
        return (resolved, statistics)
    }
}
