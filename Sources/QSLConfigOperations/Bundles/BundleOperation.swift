import Logging
import QSLConfig
import QSLConfigCore
import QSLCrypto

/// `qsl-config bundle`: one bundle per service, all resolved in one pass, written
/// deterministically with a manifest of content digests, or compared with what is on disk.
///
/// Every service's layers are built first (the shared AppHost layers filtered by the catalogue,
/// then the service's own files; each Parameter Store prefix loaded once for all services), then
/// every reference of every service is resolved in one batched pass, so a secret that 20
/// services share is fetched once. The `ecs` format reads no secret value: it needs only ARNs,
/// which come from one `ListSecrets` walk of the environment's prefix (a Parameter Store prefix
/// layer is still walked for the names of its parameters, without decryption: no value is read,
/// so the bundling machine needs no `kms:Decrypt`).
///
/// ```swift
/// let root = try PlatformRoot(path: ".")
/// let production = try root.environment("production")
/// let operation = BundleOperation(root: root, environment: production, store: store, format: .ecs)
/// let result = try await operation.build(services: [])
/// try result.write(to: "out/")
/// ```
public struct BundleOperation: Sendable {
    public var root: PlatformRoot
    public var environment: EnvironmentDefinition
    public var store: any SecretStore
    public var format: BundleFormat
    /// Values for `${VAR}` references (the environment of the machine that bundles). The
    /// machine's environment is never a configuration layer of a bundle.
    public var environmentVariables: [String: String]
    public var compatibility: AspNetCompatibility
    public var logger: Logger

    public init(
        root: PlatformRoot, environment: EnvironmentDefinition, store: any SecretStore, format: BundleFormat,
        environmentVariables: [String: String] = [:], compatibility: AspNetCompatibility = .default,
        logger: Logger = Logger(label: "qsl-config")
    ) {
        self.root = root
        self.environment = environment
        self.store = store
        self.format = format
        self.environmentVariables = environmentVariables
        self.compatibility = compatibility
        self.logger = logger
    }

    /// What a bundle run costs in store operations.
    public struct Statistics: Sendable, Hashable {
        /// The batched resolution pass (value formats only).
        public var resolution = ReferenceResolver.Statistics()
        /// Distinct Parameter Store prefixes loaded (`AWS:ParameterStorePrefix`), each once.
        public var prefixLoads = 0
        /// `ecs`: secret listings of the environment's prefix (each one `ListSecrets` walk).
        public var secretListings = 0
        /// `ecs`: `DescribeSecret` calls for referenced secrets outside the listing.
        public var secretDescribes = 0
        /// `ecs`: `GetParameters` calls without decryption that check the referenced parameters exist.
        public var parameterChecks = 0
        /// Distinct secrets and parameters referenced by all bundles together.
        public var uniqueSecrets = 0
        public var uniqueParameters = 0

        /// Store requests of the run, counting each prefix load and listing as one.
        public var storeCalls: Int {
            resolution.secretCalls + resolution.parameterCalls + prefixLoads + secretListings + secretDescribes + parameterChecks
        }
    }

    /// Every file of a bundle run and what it cost. Nothing is on disk until ``write(to:)``.
    public struct Result: Sendable {
        public var environment: String
        public var format: BundleFormat
        /// The bundled service ids, in catalogue order.
        public var services: [String]
        /// Every bundle file except the manifest, sorted by path.
        public var files: [BundleFile]
        public var statistics: Statistics
        /// Findings that do not stop the bundle (a plain value named like a credential).
        public var warnings: [Diagnostic] = []
        /// Whether the run bundles every service of the catalogue: the output folder then holds
        /// this run's bundle alone, and a service it no longer has is removed from it.
        public var coversWholeCatalogue = false
    }

    /// Builds every requested service's bundle (all services of the catalogue when `services`
    /// is empty). Nothing is written: a failure anywhere leaves the output folder untouched.
    ///
    /// - Throws: ``ResolutionError`` with every problem of every service at once.
    public func build(services requested: [String]) async throws(ResolutionError) -> Result {
        // The manifest's digests are libcrypto's, loaded on first use: without it, an error that
        // names the package before anything is resolved, rather than a stop at the manifest.
        do { try Crypto.loadLibrary() } catch { throw ResolutionError([Diagnostic(at: nil, "\(error)", rule: "library")]) }
        var ids: [String] = []
        do {
            let wanted = try Set(requested.map { (id: String) throws(DiagnosticList) -> String in try root.service(id).id })
            ids = root.catalogue.services.map(\.id).filter { requested.isEmpty || wanted.contains($0) }
        } catch {
            throw ResolutionError(error.diagnostics)
        }

        // 1. Layers of every service; each Parameter Store prefix is loaded once.
        var options: [ConfigurationOptions] = []
        var problems: [Diagnostic] = []
        for id in ids {
            do {
                var option = try root.options(
                    service: id, environment: environment, environmentVariables: environmentVariables, environmentIsLayer: false,
                    store: store, compatibility: compatibility)
                // ecs writes parameter ARNs, never values: list the prefix without decryption, so
                // the bundling machine needs no kms:Decrypt.
                option.parameterStoreNamesOnly = format == .ecs
                options.append(option)
            } catch {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw ResolutionError(problems) }
        let (layered, secureKeys, prefixListings) = try await ConfigurationLoader(logger: logger).layersAll(options)

        var statistics = Statistics()
        statistics.prefixLoads = prefixListings
        let scans = layered.map { ReferenceScan($0, marked: secureKeys) }
        statistics.uniqueSecrets = Set(scans.flatMap(\.sites).compactMap { site -> SecretVersionSelector? in
            if case .secret(let secret) = site.reference { return secret.version }
            return nil
        }).count
        statistics.uniqueParameters = Set(scans.flatMap(\.sites).compactMap { site -> ParameterReference? in
            if case .parameter(let parameter) = site.reference { return parameter }
            return nil
        }).count

        // 2. One pass for all services: ARNs from metadata (ecs), or every value in batches.
        var files: [BundleFile] = []
        var warnings: [Diagnostic] = []
        if format == .ecs {
            let arns = try await secretARNs(for: scans, statistics: &statistics)
            let missingParameters = try await missingParameters(for: scans, statistics: &statistics)
            for (index, id) in ids.enumerated() {
                do {
                    files += try ECSBundle.files(
                        service: root.service(id), configuration: layered[index], scan: scans[index], environment: environment, arns: arns,
                        missingParameters: missingParameters, environmentVariables: environmentVariables, warnings: &warnings)
                } catch {
                    problems += error.diagnostics
                }
            }
        } else {
            let resolver = ReferenceResolver(store: store, environmentVariables: environmentVariables, secretKeys: secureKeys)
            let (resolved, resolution) = try await resolver.resolveAll(layered, scans: scans)
            statistics.resolution = resolution
            for (id, configuration) in zip(ids, resolved) {
                do {
                    switch format {
                    case .dotenv:
                        files.append(BundleFile(path: "\(id)/service.env", bytes: try DotenvEncoding.encode(configuration, service: id), mode: 0o600))
                    case .json:
                        files.append(
                            BundleFile(path: "\(id)/config.json", bytes: Array(ConfigurationFormat.json.render(configuration, showSecrets: true).utf8), mode: 0o600))
                    case .k8s:
                        files += try KubernetesManifests.files(service: id, configuration: configuration, environment: environment)
                    case .ecs:
                        break
                    }
                } catch {
                    problems += error.diagnostics
                }
            }
        }
        guard problems.isEmpty else { throw ResolutionError(problems) }
        logger.debug(
            "bundled services",
            metadata: ["services": "\(ids.count)", "format": "\(format.rawValue)", "storeCalls": "\(statistics.storeCalls)"])
        return Result(
            environment: environment.name, format: format, services: ids, files: files.sorted { $0.path < $1.path }, statistics: statistics,
            warnings: warnings, coversWholeCatalogue: Set(ids) == Set(root.catalogue.services.map(\.id)))
    }

    /// The referenced parameters that do not exist, asked in batches without decryption (the
    /// bundling machine needs no `kms:Decrypt`, and no value is read): a task whose `valueFrom`
    /// names a missing parameter would fail at its start instead.
    func missingParameters(for scans: [ReferenceScan], statistics: inout Statistics) async throws(ResolutionError) -> Set<ParameterReference> {
        var references: [ParameterReference] = []
        var seen: Set<ParameterReference> = []
        for scan in scans {
            for site in scan.sites {
                if case .parameter(let parameter) = site.reference, seen.insert(parameter).inserted { references.append(parameter) }
            }
        }
        guard !references.isEmpty else { return [] }
        do {
            let metadata = try await store.parameterMetadata(references)
            statistics.parameterChecks += metadata.calls
            return metadata.missing
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }
    }

    /// The full ARN of every secret the configurations reference, from metadata only: one
    /// listing of the environment's prefix, then a `DescribeSecret` for each secret outside it.
    /// A referenced secret that does not exist is left out and reported by ``ECSBundle``.
    func secretARNs(for scans: [ReferenceScan], statistics: inout Statistics) async throws(ResolutionError) -> [String: String] {
        var ids: Set<String> = []
        for scan in scans {
            for site in scan.sites {
                if case .secret(let secret) = site.reference { ids.insert(secret.secretId) }
            }
        }
        guard !ids.isEmpty else { return [:] }
        var arns: [String: String] = [:]
        do {
            let listed = try await store.listSecrets(prefix: environment.secretsPrefix)
            statistics.secretListings += 1
            let byName = Dictionary(listed.map { ($0.name, $0.arn) }, uniquingKeysWith: { first, _ in first })
            for id in ids {
                if id.hasPrefix("arn:") {
                    // A complete ARN, or a partial one without the random suffix.
                    if let match = listed.first(where: { $0.arn == id }) ?? listed.first(where: { AWSSecretStore.arn($0.arn, isRequested: id) }) {
                        arns[id] = match.arn
                    }
                } else if let arn = byName[id] {
                    arns[id] = arn
                }
            }
            for id in ids.sorted() where arns[id] == nil {
                statistics.secretDescribes += 1
                do {
                    arns[id] = try await store.describeSecret(id).arn
                } catch where error.code == .notFound {
                    continue
                }
            }
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }
        return arns
    }
}
