import Foundation
import Logging
import QSLConfigCore
import QSLCrypto

/// `qsl-config bundle`: one bundle per service, all resolved in one pass, written
/// deterministically with a manifest of content digests, or compared with what is on disk.
///
/// ```swift
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

    /// What a bundle run produced: every file, and what it cost.
    public struct Result: Sendable {
        public var files: [BundleFile]
        public var services: [String]
        public var statistics: ReferenceResolver.Statistics

        /// The manifest: the sha256 of every other file.
        var manifest: BundleFile {
            var lines = "{\n  \"files\": {\n"
            let sorted = files.sorted { $0.path < $1.path }
            for (index, file) in sorted.enumerated() {
                lines += "    \(JSONStringEncoding.quoted(file.path)): \(JSONStringEncoding.quoted("sha256:" + Crypto.hex(Crypto.sha256(file.bytes))))"
                lines += index == sorted.count - 1 ? "\n" : ",\n"
            }
            lines += "  }\n}\n"
            return BundleFile(path: "manifest.json", bytes: Array(lines.utf8), mode: 0o644)
        }

        /// Every file including the manifest, sorted by path.
        public var allFiles: [BundleFile] { (files + [manifest]).sorted { $0.path < $1.path } }

        /// Writes every file under `directory` atomically, secret-bearing files with mode 0600.
        public func write(to directory: String) throws(DiagnosticList) {
            do {
                for file in allFiles {
                    let path = PlatformRoot.join(directory, file.path)
                    try AtomicFile.createDirectory(AtomicFile.parentDirectory(of: path), mode: 0o755)
                    try AtomicFile.write(file.bytes, to: path, mode: mode_t(file.mode))
                }
            } catch {
                throw DiagnosticList([error])
            }
        }

        /// The files under `directory` that differ from this result: missing, changed, or with
        /// the wrong mode. Empty when the directory is up to date.
        public func drift(in directory: String) -> [String] {
            var drifted: [String] = []
            for file in allFiles {
                let path = PlatformRoot.join(directory, file.path)
                guard let bytes = try? FileBytes.read(path) else {
                    drifted.append("\(file.path): missing")
                    continue
                }
                if bytes != file.bytes { drifted.append("\(file.path): differs") }
                if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber,
                    mode.uint32Value & 0o777 != file.mode
                {
                    drifted.append("\(file.path): mode \(String(mode.uint32Value & 0o777, radix: 8)), expected \(String(file.mode, radix: 8))")
                }
            }
            return drifted
        }
    }

    /// Builds every requested service's bundle (all services when `services` is empty). Nothing
    /// is written: a failure anywhere leaves the output folder untouched.
    ///
    /// - Throws: ``ResolutionError`` with every problem of every service.
    public func build(services requested: [String]) async throws(ResolutionError) -> Result {
        let ids: [String]
        do {
            ids = try requested.isEmpty ? root.catalogue.services.map(\.id) : requested.map { (id: String) throws(DiagnosticList) -> String in try root.service(id).id }
        } catch {
            throw ResolutionError(error.diagnostics)
        }
        let loader = ConfigurationLoader(logger: logger)
        var layered: [LayeredConfiguration] = []
        var secureKeys: Set<ConfigKey> = []
        var problems: [Diagnostic] = []
        for id in ids {
            do {
                let options = try root.options(
                    service: id, environment: environment, environmentVariables: environmentVariables, environmentIsLayer: false,
                    store: store, compatibility: compatibility)
                let (configuration, secure) = try await loader.layers(options)
                layered.append(configuration)
                secureKeys.formUnion(secure)
            } catch let error as DiagnosticList {
                problems += error.diagnostics
            } catch let error as ResolutionError {
                problems += error.diagnostics
            } catch {
                problems.append(Diagnostic(at: nil, "\(error)"))
            }
        }
        guard problems.isEmpty else { throw ResolutionError(problems) }

        var files: [BundleFile] = []
        var statistics = ReferenceResolver.Statistics()
        if format == .ecs {
            let (arns, calls, unique) = try await secretARNs(for: layered)
            statistics.secretCalls = calls
            statistics.uniqueSecrets = unique
            for (id, configuration) in zip(ids, layered) {
                do {
                    files += try ECSBundle.files(
                        service: root.service(id), configuration: configuration, environment: environment, arns: arns,
                        environmentVariables: environmentVariables)
                } catch {
                    problems += error.diagnostics
                }
            }
        } else {
            let resolver = ReferenceResolver(store: store, environmentVariables: environmentVariables, secretKeys: secureKeys)
            let (resolved, stats) = try await resolver.resolveAll(layered)
            statistics = stats
            for (id, configuration) in zip(ids, resolved) {
                switch format {
                case .dotenv:
                    do { files.append(BundleFile(path: "\(id)/service.env", bytes: try DotenvEncoding.encode(configuration, service: id), mode: 0o600)) } catch {
                        problems += error.diagnostics
                    }
                case .json:
                    files.append(BundleFile(path: "\(id)/config.json", bytes: Array(ConfigurationFormat.json.render(configuration, showSecrets: true).utf8), mode: 0o600))
                case .k8s:
                    files += KubernetesManifests.files(service: id, configuration: configuration, environment: environment)
                case .ecs:
                    break
                }
            }
        }
        guard problems.isEmpty else { throw ResolutionError(problems) }
        logger.info("bundled services", metadata: ["services": "\(ids.count)", "format": "\(format.rawValue)", "calls": "\(statistics.secretCalls + statistics.parameterCalls)"])
        return Result(files: files, services: ids, statistics: statistics)
    }

    /// The full ARN of every secret the configurations reference, from metadata only: one
    /// listing of the environment's prefix, then a describe for any secret outside it.
    func secretARNs(for configurations: [LayeredConfiguration]) async throws(ResolutionError) -> (arns: [String: String], calls: Int, unique: Int) {
        var ids: Set<String> = []
        for configuration in configurations {
            for site in ReferenceScan(configuration).sites {
                if case .secret(let secret) = site.reference { ids.insert(secret.secretId) }
            }
        }
        var arns: [String: String] = [:]
        var calls = 0
        for id in ids where id.hasPrefix("arn:") { arns[id] = id }
        let names = ids.filter { !$0.hasPrefix("arn:") }
        guard !names.isEmpty else { return (arns, calls, ids.count) }
        do {
            let listed = try await store.listSecrets(prefix: environment.secretsPrefix)
            calls += max(1, (listed.count + 99) / 100)
            for secret in listed where names.contains(secret.name) { arns[secret.name] = secret.arn }
            for name in names.sorted() where arns[name] == nil {
                calls += 1
                do {
                    arns[name] = try await store.describeSecret(name).arn
                } catch where error.code == .notFound {
                    continue  // reported per reference by the ECS builder
                }
            }
        } catch {
            throw ResolutionError([Diagnostic(at: nil, "\(store.storeDescription): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
        }
        return (arns, calls, ids.count)
    }
}
