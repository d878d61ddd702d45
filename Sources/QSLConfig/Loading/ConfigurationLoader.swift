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

    /// One service's layers as written: the shared files filtered to what the service uses, its
    /// own files, the environment, the environment files and the command line, plus the
    /// Parameter Store prefix they set. The one place layers are assembled: resolve, exec,
    /// bundle, validate and the library at start-up all come through here.
    ///
    /// - Parameter reader: Reads each folder once across calls (the shared AppHost files).
    /// - Throws: ``ResolutionError`` with every problem of the service's files and arguments.
    public func readLayers(_ options: ConfigurationOptions, reader: inout AppsettingsReader) throws(ResolutionError) -> ServiceLayers {
        var files: [ServiceLayers.FileLayer] = []
        var problems: [Diagnostic] = []
        let folders: [(folder: String, filter: SharedSettingsFilter?, isShared: Bool)] = [
            options.sharedDirectory.map { ($0, options.sharedFilter, true) },
            options.configDirectory.map { ($0, nil, false) },
        ].compactMap { $0 }
        for (folder, filter, isShared) in folders {
            let read = reader.read(folder: folder, environment: options.resolvedEnvironmentName)
            problems += read.diagnostics
            for file in read.files {
                files.append(.init(document: file.document, layer: filter.map { file.layer.filtered($0.accepts) } ?? file.layer, isShared: isShared))
            }
        }
        var environmentLayer: ConfigurationLayer?
        var hostLayers: [ConfigurationLayer] = []
        if options.environmentIsLayer {
            switch options.environmentStyle {
            case .aspNet:
                environmentLayer = .environment(options.environmentVariables, compatibility: options.compatibility)
                // The host configuration beneath the files, as `WebApplication.CreateBuilder`
                // builds it (the command line, also part of it, is on top already).
                hostLayers = ["ASPNETCORE_", "DOTNET_"]
                    .map { ConfigurationLayer.environment(options.environmentVariables, prefix: $0, compatibility: options.compatibility) }
                    .filter { $0.count > 0 }
            case .verbatim(let only):
                let variables = options.environmentVariables.filter { only?.contains($0.key) ?? true }.sorted { $0.key < $1.key }
                // One key per variable: names that differ only in case would be one key, and the
                // references of all but one of them would go unresolved or land on another name.
                // (A `$` alone, in a proxy password say, is no reference: the value is parsed.)
                func holdsReference(_ value: String) -> Bool {
                    guard PlaceholderTemplate.mayContainReference(value) else { return false }
                    guard let template = try? PlaceholderTemplate(parsing: value) else { return true }
                    return !template.references.isEmpty
                }
                var byFolded: [String: [String]] = [:]
                var without: [String] = []
                for variable in variables {
                    if holdsReference(variable.value) { byFolded[ConfigKey.fold(variable.key), default: []].append(variable.key) } else { without.append(variable.key) }
                }
                for name in without { byFolded[ConfigKey.fold(name)]?.append(name) }
                for names in byFolded.values.sorted(by: { $0[0] < $1[0] }) where names.count > 1 {
                    problems.append(
                        Diagnostic(
                            at: nil,
                            "the variables \(names.sorted().joined(separator: " and ")) differ only in case, and at least one holds a reference; rename one, or name only one with --variable",
                            rule: "variable-name"))
                }
                environmentLayer = ConfigurationLayer(
                    name: "environment",
                    entries: variables.map { ConfigEntry(key: ConfigKey($0.key), value: $0.value, origin: ValueOrigin(.environment(variable: $0.key))) })
            }
        }
        var argumentLayer = ConfigurationLayer(name: "command line")
        do { argumentLayer = try .commandLine(options.arguments) } catch { problems.append(error) }
        guard problems.isEmpty else { throw ResolutionError(problems) }

        var read = ServiceLayers(files: files, environment: environmentLayer, environmentFiles: options.environmentFiles, arguments: argumentLayer)
        read.hostEnvironment = hostLayers
        let merged = read.assembled()
        if options.loadsParameterStore, !options.keepAWSReferences, let prefixValue = merged["AWS:ParameterStorePrefix"], let prefix = prefixValue, !prefix.isEmpty {
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
    /// AWS's .NET Systems Manager provider maps them; a `StringList` split at its commas into
    /// `Section:Key:0`, `Section:Key:1`, ... as that provider's default processor has done since
    /// its StringList support), and the keys that came from SecureStrings.
    /// With `namesOnly` the prefix is listed without decryption and every key's value is null
    /// (see ``ConfigurationOptions/parameterStoreNamesOnly``).
    func parameterStoreLayer(
        _ prefix: (prefix: String, location: SourceLocation?), store: (any SecretStore)?, namesOnly: Bool = false
    ) async throws(ResolutionError) -> (layer: ConfigurationLayer, secureKeys: Set<ConfigKey>) {
        guard let store else { throw ResolutionError([Diagnostic(at: prefix.location, "AWS:ParameterStorePrefix needs a secret store", rule: "store")]) }
        // (name, value, secure, a StringList); the value is nil when only names were listed.
        let parameters: [(name: String, value: String?, isSecure: Bool, isList: Bool)]
        do {
            if namesOnly {
                parameters = try await store.parameterMetadata(underPath: prefix.prefix).map { ($0.name, nil, $0.type == "SecureString", $0.type == "StringList") }
            } else {
                parameters = try await store.getParameters(underPath: prefix.prefix).map {
                    ($0.name, $0.value.unsafeRevealed, $0.isSecure, $0.type == "StringList")
                }
            }
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }
        var layer = ConfigurationLayer(name: "Parameter Store \(prefix.prefix)")
        var secureKeys: Set<ConfigKey> = []
        let base = prefix.prefix.hasSuffix("/") ? prefix.prefix : prefix.prefix + "/"
        for parameter in parameters where parameter.name.hasPrefix(base) {
            let path = parameter.name.dropFirst(base.count).split(separator: "/").joined(separator: ":")
            if parameter.isList, let value = parameter.value {
                for (index, item) in value.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                    layer.set(ConfigEntry(key: ConfigKey(path + ":\(index)"), value: String(item), origin: ValueOrigin(.parameterStore(name: parameter.name))))
                }
                continue
            }
            let key = ConfigKey(path)
            // (Listed by name only, a StringList stands whole for its items: its origin says so.)
            layer.set(ConfigEntry(key: key, value: parameter.value, origin: ValueOrigin(.parameterStore(name: parameter.name, isList: parameter.isList))))
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
    /// service's files are read first (every problem of every service is reported at once, and a
    /// folder several services share is read once), then each distinct Parameter Store prefix is
    /// listed once per store, concurrently, however many services set it. Also returns the keys
    /// that came from SecureString parameters and how many listings were made. Options with
    /// ``ConfigurationOptions/parameterStoreNamesOnly`` list their prefix by name only.
    public func layersAll(
        _ options: [ConfigurationOptions]
    ) async throws(ResolutionError) -> (configurations: [LayeredConfiguration], secureKeys: Set<ConfigKey>, prefixListings: Int) {
        var reader = AppsettingsReader(compatibility: options.first?.compatibility ?? .default, limits: options.first?.limits ?? .default)
        var reads: [ServiceLayers] = []
        var problems: [Diagnostic] = []
        for option in options {
            do { reads.append(try readLayers(option, reader: &reader)) } catch { problems += error.diagnostics }
        }
        guard problems.isEmpty else { throw ResolutionError(problems) }

        // One listing per (store, prefix): services on different stores never share a layer.
        struct Listing: Hashable {
            var store: String
            var prefix: String
            var namesOnly: Bool
        }
        var listings: [Listing: (location: SourceLocation?, store: (any SecretStore)?)] = [:]
        for (read, option) in zip(reads, options) {
            guard let prefix = read.parameterStorePrefix else { continue }
            let listing = Listing(store: option.store?.storeIdentity ?? "", prefix: prefix.prefix, namesOnly: option.parameterStoreNamesOnly)
            if listings[listing] == nil { listings[listing] = (prefix.location, option.store) }
        }
        typealias PrefixLayer = (layer: ConfigurationLayer, secureKeys: Set<ConfigKey>)
        var prefixLayers: [Listing: PrefixLayer] = [:]
        let loader = self
        do {
            prefixLayers = try await withThrowingTaskGroup(of: (Listing, PrefixLayer).self) { group in
                for (listing, source) in listings {
                    let store = source.store
                    group.addTask {
                        (listing, try await loader.parameterStoreLayer((listing.prefix, source.location), store: store, namesOnly: listing.namesOnly))
                    }
                }
                var layers: [Listing: PrefixLayer] = [:]
                for try await (listing, layer) in group { layers[listing] = layer }
                return layers
            }
        } catch let error as ResolutionError {
            throw error
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(error)", rule: "store")], isStoreFailure: true)
        }

        var secureKeys: Set<ConfigKey> = []
        let configurations = zip(reads, options).map { read, option in
            let layer = read.parameterStorePrefix.flatMap { prefixLayers[Listing(store: option.store?.storeIdentity ?? "", prefix: $0.prefix, namesOnly: option.parameterStoreNamesOnly)] }
            if let layer { secureKeys.formUnion(layer.secureKeys) }
            return read.assembled(parameterStore: layer?.layer)
        }
        return (configurations, secureKeys, prefixLayers.count)
    }

    /// The resolved configurations of several services in one pass, as a deploy pipeline or
    /// `resolve --all-services` needs them: every service's files are read first, each distinct
    /// Parameter Store prefix is listed once (concurrently), and then every reference of every
    /// service that shares a store is resolved together, so a secret many services share is
    /// fetched once and the whole platform costs ceil(unique secrets / 20) + ceil(unique
    /// parameters / 10) calls plus one listing per prefix.
    ///
    /// Services are resolved in groups that agree on the store, the environment variables,
    /// `keepAWSReferences` and `defaultVersionStage`; each group gets its own settings, so no
    /// service is resolved against another's store.
    ///
    /// ```swift
    /// let options = try ids.map { try root.options(service: $0, environment: production, environmentVariables: env, store: store) }
    /// let (configurations, statistics) = try await ConfigurationLoader().loadAll(options)
    /// ```
    ///
    /// - Throws: ``ResolutionError`` listing every problem of every service at once.
    public func loadAll(_ options: [ConfigurationOptions]) async throws(ResolutionError) -> (configurations: [ResolvedConfiguration], statistics: ReferenceResolver.Statistics) {
        guard !options.isEmpty else { return ([], ReferenceResolver.Statistics()) }
        let (configurations, secureKeys, prefixListings) = try await layersAll(options)

        struct Group {
            var options: ConfigurationOptions
            var indices: [Int]
        }
        var groups: [Group] = []
        for (index, option) in options.enumerated() {
            if let at = groups.firstIndex(where: { Self.resolveAlike($0.options, option) }) {
                groups[at].indices.append(index)
            } else {
                groups.append(Group(options: option, indices: [index]))
            }
        }
        var resolved = [ResolvedConfiguration?](repeating: nil, count: options.count)
        var statistics = ReferenceResolver.Statistics()
        var problems: [Diagnostic] = []
        var storeFailed = false
        for group in groups {
            var resolver = ReferenceResolver(
                store: group.options.store, environmentVariables: group.options.environmentVariables,
                keepAWSReferences: group.options.keepAWSReferences, secretKeys: secureKeys)
            resolver.defaultVersionStage = group.options.defaultVersionStage
            do {
                let (results, counts) = try await resolver.resolveAll(group.indices.map { configurations[$0] })
                for (index, result) in zip(group.indices, results) { resolved[index] = result }
                statistics.uniqueSecrets += counts.uniqueSecrets
                statistics.uniqueParameters += counts.uniqueParameters
                statistics.secretCalls += counts.secretCalls
                statistics.parameterCalls += counts.parameterCalls
            } catch {
                problems += error.diagnostics
                storeFailed = storeFailed || error.isStoreFailure
            }
        }
        guard problems.isEmpty else { throw ResolutionError(problems, isStoreFailure: storeFailed) }
        logger.debug(
            "resolved configurations",
            metadata: [
                "services": "\(resolved.count)", "groups": "\(groups.count)", "secrets": "\(statistics.uniqueSecrets)",
                "parameters": "\(statistics.uniqueParameters)", "calls": "\(statistics.secretCalls + statistics.parameterCalls)",
                "prefixListings": "\(prefixListings)",
            ])
        return (resolved.map { $0! }, statistics)
    }

    /// Whether two services' references resolve the same way: the same store, variables,
    /// handling of `aws:` references and default stage.
    static func resolveAlike(_ a: ConfigurationOptions, _ b: ConfigurationOptions) -> Bool {
        a.store?.storeIdentity == b.store?.storeIdentity && a.keepAWSReferences == b.keepAWSReferences
            && a.defaultVersionStage == b.defaultVersionStage && a.environmentVariables == b.environmentVariables
    }
}
