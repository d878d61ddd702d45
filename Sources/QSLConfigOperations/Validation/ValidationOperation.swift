import QSLConfig
import QSLConfigCore
import QSLConfigSchema

/// `qsl-config validate` as a library call: for each service, parse every file layer, validate
/// the merged configuration against the service's schema, apply the platform's policies, and
/// optionally check that every referenced secret and parameter exists.
///
/// Layers, lowest priority first: the catalogue's shared (AppHost-level) `appsettings.json` and
/// `appsettings.{Environment}.json` filtered to what the service uses, the service's own two
/// files, then each `--env-file`. The process environment is never a layer.
///
/// Policies (rule ids in brackets):
/// - the merged configuration satisfies the schema `[schema]`, read as ASP.NET binds it
///   (numbers and booleans may be strings, keys compare ignoring case);
/// - outside Development, a key the schema marks `writeOnly` holds a reference, never a
///   plaintext value `[plaintext-secret]`;
/// - every reference is well formed `[reference]`, of a known `aws:` kind `[reference-kind]`,
///   and names a secret or parameter under the environment's prefix `[reference-prefix]`;
/// - a spelling the schema marks `deprecated` (with `x-qsl-preferred` naming the canonical key)
///   is reported as a warning `[spelling]`;
/// - with a remote store, each referenced secret (and pinned version) and parameter exists,
///   checked with `DescribeSecret` and `GetParameters` without decryption `[secret-missing]`,
///   `[parameter-missing]`.
///
/// In catalogue mode, two checks look past the services one at a time (``CatalogueCoverage``,
/// ``SeedCoverage``):
/// - validating the whole catalogue, a folder under the catalogue's tree that holds appsettings
///   files but is not listed `[catalogue-unlisted]`, in ``ValidationReport/platformDiagnostics``;
/// - in development, every secret, JSON key and parameter a service references is in the
///   development seed file `[seed-missing]`, in that service's diagnostics.
///
/// ```swift
/// let report = try await ValidationOperation().run(ValidationRequest(.catalogue(root: ".", environment: "production", services: [])))
/// print(ValidationReportFormat.text.render(report))
/// exit(report.exitStatus)
/// ```
public struct ValidationOperation: Sendable {
    public init() {}

    /// Validates what `request` names.
    ///
    /// - Throws: ``ValidationError`` when validation cannot run: a missing catalogue, an unknown
    ///   environment or service, a schema that does not compile, a bad environment file, or a
    ///   store failure during the remote check. Findings in the configuration are in the report.
    public func run(_ request: ValidationRequest) async throws(ValidationError) -> ValidationReport {
        // The schemas depend only on the catalogue, so they compile on a thread of their own
        // (a ``ThreadResult``, which takes the idle core at once; a child task would wait for
        // the concurrency pool to add a thread) while the catalogue is checked, the environment
        // read, the plan made and the files read and layered. Only the schema evaluation and
        // the policies after it wait for them. In catalogue mode they start as soon as the
        // catalogue parses, before its own checks (its schema, its paths) run here; that early
        // result is used only if the checked catalogue names the same files, and nothing of it
        // is reported before (a file the checks go on to refuse may have been read, within the
        // reader's size limit, and is dropped unseen).
        let catalogue = Self.readCatalogue(request)
        let early = catalogue.flatMap { Self.earlySchemaFiles(request, catalogue: $0) }
        let earlyCompiled = early.map { files in ThreadResult { Self.compiledValidatorsNow(for: files.schemas, confinedTo: files.folders) } }
        let schemaFiles = try Self.schemaFiles(request, catalogue: catalogue)
        let reuseEarly = early.map { $0.schemas == schemaFiles.schemas && $0.folders == schemaFiles.folders } ?? false
        let compiled = reuseEarly ? earlyCompiled! : ThreadResult { Self.compiledValidatorsNow(for: schemaFiles.schemas, confinedTo: schemaFiles.folders) }
        let plan = try Plan(request, root: schemaFiles.root)
        // The search for folders the catalogue does not list walks directories only; it runs
        // beside the rest.
        async let unlisted = plan.coversWholeCatalogue ? plan.root.map { CatalogueCoverage(root: $0).unlistedFolders() } ?? [] : []
        let extraLayers = try Self.environmentFileLayers(request)

        // A folder more than one service reads (a shared folder) is read here, once; each
        // service's own folder is read in its task.
        let reads = plan.services.flatMap { service in
            [service.options.sharedDirectory, service.options.configDirectory].compactMap { $0 }
                .map { (folder: $0, environment: service.options.resolvedEnvironmentName) }
        }
        var servicesReading: [String: Int] = [:]
        for read in reads { servicesReading[read.folder + "\u{0}" + read.environment, default: 0] += 1 }
        var reader = AppsettingsReader(compatibility: request.compatibility)
        for read in reads where servicesReading[read.folder + "\u{0}" + read.environment]! > 1 {
            _ = reader.read(folder: read.folder, environment: read.environment)
        }

        // Services are independent once their shared files are read: each reads its own files
        // and is layered in its own task (a copy of the cache, so shared files are not read
        // again) while the schemas compile, then, as soon as the schemas are ready, validated and
        // checked in the same task, with no barrier between the steps; results go back in
        // catalogue order.
        let filled = reader
        let checkedServices = await withTaskGroup(of: (Int, ServiceValidation, [Site])?.self) { group in
            for (index, service) in plan.services.enumerated() {
                group.addTask {
                    var cache = filled
                    let prepared = self.prepare(service, extraLayers: extraLayers, reader: &cache)
                    // A schema that does not compile fails the whole run, below.
                    guard case .success(let validators) = await compiled.value else { return nil }
                    var checked = self.check(service, prepared, plan: plan, validator: validators[service.schema]!)
                    checked.result.diagnostics.sort(by: Self.fileOrder)
                    return (index, checked.result, checked.sites)
                }
            }
            var results: [(Int, ServiceValidation, [Site])] = []
            for await result in group {
                if let result { results.append(result) }
            }
            return results.sorted { $0.0 < $1.0 }
        }
        _ = try await compiled.value.get()
        var services: [ServiceValidation] = []
        var sites: [RemoteSite] = []
        for (index, result, found) in checkedServices {
            for site in found { sites.append(RemoteSite(service: index, site: site)) }
            services.append(result)
        }

        var platformDiagnostics: [Diagnostic] = []
        if let root = plan.root, let definition = plan.definition {
            if plan.coversWholeCatalogue { platformDiagnostics += await unlisted }
            if let coverage = SeedCoverage.load(root: root, environment: definition, problems: &platformDiagnostics) {
                for (index, _, found) in checkedServices where !services[index].isUnusable {
                    let missing = coverage.findings(for: found)
                    if !missing.isEmpty { services[index].diagnostics = (services[index].diagnostics + missing).sorted(by: Self.fileOrder) }
                }
            }
            platformDiagnostics.sort(by: Self.fileOrder)
        }

        var checkedRemote = false
        if let makeStore = request.remoteStore {
            let store: any SecretStore
            do { store = try makeStore(plan.definition) } catch {
                throw ValidationError([Diagnostic(at: nil, error.message, rule: "store")], isStoreFailure: error.isStoreFailure)
            }
            let found = try await Self.checkRemote(sites, store: store)
            for (index, diagnostics) in found {
                services[index].diagnostics = (services[index].diagnostics + diagnostics).sorted(by: Self.fileOrder)
            }
            checkedRemote = true
        }
        return ValidationReport(
            environment: plan.environmentName, plainSecretsAllowed: plan.plainSecretsAllowed, checkedRemote: checkedRemote, services: services,
            platformDiagnostics: platformDiagnostics)
    }

    // MARK: Planning

    /// One service to validate: what to load, as every command loads it, and its schema.
    struct ServicePlan: Sendable {
        var id: String
        var folder: String
        var schema: String
        var options: ConfigurationOptions
    }

    /// The services and the environment they are validated in.
    struct Plan: Sendable {
        var services: [ServicePlan]
        var definition: EnvironmentDefinition?
        /// The name reports use: the environment of `environments/`, or the ASP.NET name.
        var environmentName: String
        /// The ASP.NET name that picks `appsettings.{ENV}.json`.
        var fileEnvironment: String
        var plainSecretsAllowed: Bool
        var secretsPrefix: String?
        var parameterPrefix: String?
        /// Where a prefix would be declared, for messages (`environments/production.json`).
        var prefixSource: String?
        /// The platform root, in catalogue mode.
        var root: PlatformRoot?
        /// Whether every service of the catalogue is validated (no `--service` named).
        var coversWholeCatalogue = false

        /// The plan for `request`, opening the platform root it names.
        init(_ request: ValidationRequest) throws(ValidationError) {
            try self.init(request, root: try ValidationOperation.schemaFiles(request).root)
        }

        /// The plan for `request`; in catalogue mode `root` is the platform root it names, opened
        /// by ``ValidationOperation/schemaFiles(_:catalogue:)``.
        init(_ request: ValidationRequest, root: PlatformRoot?) throws(ValidationError) {
            switch request.target {
            case .catalogue(let path, let environment, let ids):
                guard let root else { preconditionFailure("catalogue mode plans with its opened root") }
                let definition: EnvironmentDefinition
                do {
                    definition = try root.environment(environment)
                } catch {
                    throw ValidationError(error.diagnostics)
                }
                var problems: [Diagnostic] = []
                var services: [ServicePlan] = []
                let entries: [ServiceCatalogue.Service]
                if ids.isEmpty {
                    entries = root.catalogue.services
                } else {
                    var found: [ServiceCatalogue.Service] = []
                    for id in ids {
                        do { found.append(try root.service(id)) } catch { problems += error.diagnostics }
                    }
                    entries = found
                }
                for entry in entries {
                    guard let schema = root.schemaPath(for: entry) else {
                        problems.append(
                            Diagnostic(
                                at: SourceLocation(file: root.catalogueFile, line: 1, column: 1, offset: 0),
                                "the catalogue names no schema for \(entry.id); add \"schema\": \"../schemas/services/\(entry.id).schema.json\" to its entry",
                                rule: "catalogue"))
                        continue
                    }
                    do {
                        let options = try root.options(
                            service: entry.id, environment: definition, environmentVariables: [:], environmentIsLayer: false, store: nil,
                            compatibility: request.compatibility)
                        services.append(ServicePlan(id: entry.id, folder: PlatformRoot.join(path, entry.folder), schema: schema, options: options))
                    } catch {
                        problems += error.diagnostics
                    }
                }
                guard problems.isEmpty else { throw ValidationError(problems) }
                self.services = services
                self.definition = definition
                self.environmentName = definition.name
                self.fileEnvironment = definition.hostEnvironmentName
                self.plainSecretsAllowed = definition.allowsPlainSecrets
                self.secretsPrefix = request.secretsPrefix ?? definition.secretsPrefix
                self.parameterPrefix = request.parameterPrefix ?? definition.parameterPrefix
                self.prefixSource = root.environmentFile(definition.name)
                self.root = root
                self.coversWholeCatalogue = ids.isEmpty
            case .directory(let folder, let schema, let environment):
                let name = environment ?? HostEnvironment.defaultName
                let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
                let id = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
                let options = ConfigurationOptions(
                    configDirectory: folder, environmentName: name, environmentVariables: [:], environmentIsLayer: false, compatibility: request.compatibility)
                self.services = [ServicePlan(id: id, folder: folder, schema: schema, options: options)]
                self.definition = nil
                self.environmentName = name
                self.fileEnvironment = name
                self.plainSecretsAllowed = ConfigKey.fold(name) == "DEVELOPMENT"
                self.secretsPrefix = request.secretsPrefix
                self.parameterPrefix = request.parameterPrefix
                self.prefixSource = nil
            }
        }
    }

    /// The schema files `request` validates against, the folders their `$ref`s may read (the
    /// platform root; in directory mode the request's ``ValidationRequest/schemaRoot``, else the
    /// schema's folder), and in catalogue mode the opened platform root. Only the catalogue is read: the schemas can
    /// compile before the environment is. Ids the catalogue does not list, and entries naming no
    /// schema, are left to ``Plan`` to report.
    ///
    /// - Parameter catalogue: The catalogue already read and parsed (``readCatalogue(_:)``), so
    ///   it is not read again; `nil` to read it here.
    static func schemaFiles(_ request: ValidationRequest, catalogue: JSONDocument? = nil) throws(ValidationError) -> (
        schemas: [String], folders: [String], root: PlatformRoot?
    ) {
        switch request.target {
        case .catalogue(let path, _, let ids):
            let root: PlatformRoot
            do { root = try PlatformRoot(path: path, catalogue: catalogue) } catch { throw ValidationError(error.diagnostics) }
            let entries = ids.isEmpty ? root.catalogue.services : ids.compactMap { root.catalogue.service($0) }
            return (entries.compactMap { root.schemaPath(for: $0) }, [path], root)
        case .directory(_, let schema, _):
            return ([schema], [request.schemaRoot ?? AtomicFile.parentDirectory(of: schema)], nil)
        }
    }

    /// In catalogue mode, the catalogue file read and parsed, its checks not run yet; `nil` in
    /// directory mode, or when it cannot be read or parsed (``schemaFiles(_:catalogue:)`` then
    /// reads it again and reports why).
    static func readCatalogue(_ request: ValidationRequest) -> JSONDocument? {
        guard case .catalogue(let path, _, _) = request.target else { return nil }
        return try? PlatformRoot.readDocument(PlatformRoot.join(path, PlatformRoot.cataloguePath))
    }

    /// The schema files ``schemaFiles(_:catalogue:)`` will name, taken from `catalogue` before
    /// its checks, for compiling early; `nil` when they cannot be told cheaply and safely (a
    /// catalogue of an odd shape, or a schema path that is absolute or climbs with `..`: those
    /// wait for the checks, which report them).
    static func earlySchemaFiles(_ request: ValidationRequest, catalogue document: JSONDocument) -> (schemas: [String], folders: [String])? {
        guard case .catalogue(let path, _, let ids) = request.target, let services = document.root["services"], services.kind == .array else { return nil }
        // The same entries, in the same order, as ``schemaFiles(_:catalogue:)`` takes them.
        var byID: [String: JSONValue] = [:]
        var entries: [JSONValue] = []
        for service in services.children {
            guard let id = service["id"]?.stringValue else { return nil }
            entries.append(service)
            if byID[id.lowercased()] == nil { byID[id.lowercased()] = service }
        }
        if !ids.isEmpty { entries = ids.compactMap { byID[$0.lowercased()] } }
        var schemas: [String] = []
        for service in entries {
            guard let schema = service["schema"] else { continue }
            guard let relative = schema.stringValue, PlatformPaths.staysInside(relative, from: "environments") else { return nil }
            schemas.append(PlatformRoot.join(PlatformRoot.join(path, "environments"), relative))
        }
        return (schemas, [path])
    }

    static func environmentFileLayers(_ request: ValidationRequest) throws(ValidationError) -> [ConfigurationLayer] {
        var layers: [ConfigurationLayer] = []
        var problems: [Diagnostic] = []
        let source = EnvironmentFileSource(compatibility: request.compatibility)
        for file in request.environmentFiles {
            do {
                let layer = try source.layer(contentsOfFile: file)
                problems += ConfigurationTree.overlongKeys(in: layer)
                layers.append(layer)
            } catch {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
        return layers
    }

    /// ``validators(for:confinedTo:)`` as a result, for a ``ThreadResult``.
    static func compiledValidatorsNow(for schemas: [String], confinedTo folders: [String]? = nil) -> Result<[String: SchemaValidator], ValidationError> {
        Result { () throws(ValidationError) in try validators(for: schemas, confinedTo: folders) }
    }

    /// One compiled validator per schema file, compiled together so the shared schema they all
    /// refer to is compiled once, from one registry of the schema files and the files they name.
    /// `$ref`s may read only files inside `folders` (any file when `nil`).
    static func validators(for schemas: [String], confinedTo folders: [String]? = nil) throws(ValidationError) -> [String: SchemaValidator] {
        var registry = SchemaRegistry()
        var unique: [String] = []
        var uris: [String] = []
        var problems: [Diagnostic] = []
        for schema in schemas where !unique.contains(schema) {
            unique.append(schema)
            guard FileBytes.exists(schema) else {
                problems.append(Diagnostic(at: SourceLocation(file: schema, line: 1, column: 1, offset: 0), "the schema file does not exist", rule: "schema-file"))
                continue
            }
            do { uris.append(try registry.addFileWithReferences(atPath: schema, confinedTo: folders)) } catch { problems.append(error.diagnostic) }
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
        let options = SchemaValidationOptions(assertFormats: true, coerceScalarStrings: true, caseInsensitivePropertyNames: true)
        do {
            let compiled = try SchemaValidator.compile(registeredURIs: uris, registry: registry, options: options)
            return Dictionary(uniqueKeysWithValues: zip(unique, compiled))
        } catch {
            var diagnostic = error.diagnostic
            if diagnostic.location == nil { diagnostic.message += " (compiling \(unique.joined(separator: ", ")))" }
            throw ValidationError([diagnostic])
        }
    }

    /// Diagnostics by file, then position; those without a position last.
    static func fileOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        switch (a.location, b.location) {
        case (let x?, let y?): x < y
        case (.some, nil): true
        case (nil, _): false
        }
    }

    // MARK: One service

    /// A reference found in a service, for the remote check.
    struct Site: Sendable {
        var key: ConfigKey
        var reference: PlaceholderReference
        var location: SourceLocation?
    }

    struct RemoteSite {
        var service: Int
        var site: Site
    }

    /// One service's files read and layered, ready for its schema: everything about a service
    /// that does not need the compiled schema.
    enum Prepared: Sendable {
        /// A file could not be read or parsed, or a key is too long: the service is unusable.
        case unusable(ServiceValidation)
        case layered(Layered)
    }

    struct Layered: Sendable {
        var files: [String]
        var configuration: LayeredConfiguration
        var tree: ConfigurationTree
        var sectionLocations: [String: SourceLocation]
    }

    func prepare(_ service: ServicePlan, extraLayers: [ConfigurationLayer], reader: inout AppsettingsReader) -> Prepared {
        var options = service.options
        options.environmentFiles = extraLayers
        // Validation reads files only; the Parameter Store layer is the store's business.
        options.loadsParameterStore = false
        let read: ServiceLayers
        do {
            read = try ConfigurationLoader().readLayers(options, reader: &reader)
        } catch {
            return .unusable(ServiceValidation(id: service.id, folder: service.folder, schema: service.schema, files: [], diagnostics: error.diagnostics, isUnusable: true))
        }
        var problems: [Diagnostic] = []
        var sectionLocations: [String: SourceLocation] = [:]
        var rootLocation: SourceLocation?
        for file in read.files {
            problems += ConfigurationTree.overlongKeys(in: file.layer)
            ConfigurationTree.sectionLocations(of: file.document, layer: file.layer, into: &sectionLocations)
            if !file.isShared && rootLocation == nil { rootLocation = file.document.root.location }
        }
        let files = read.files.map(\.document.file) + extraLayers.map(\.name)
        guard problems.isEmpty else {
            return .unusable(ServiceValidation(id: service.id, folder: service.folder, schema: service.schema, files: files, diagnostics: problems, isUnusable: true))
        }
        let configuration = read.assembled()
        let tree = ConfigurationTree(configuration, sectionLocations: sectionLocations, rootLocation: rootLocation)
        return .layered(Layered(files: files, configuration: configuration, tree: tree, sectionLocations: sectionLocations))
    }

    func check(_ service: ServicePlan, _ prepared: Prepared, plan: Plan, validator: SchemaValidator) -> (result: ServiceValidation, sites: [Site]) {
        let layered: Layered
        switch prepared {
        case .unusable(let result): return (result, [])
        case .layered(let ready): layered = ready
        }
        let result = validator.validate(layered.tree.instance)
        var policies = PolicyCheck(
            configuration: layered.configuration, annotations: result.annotations, secretPointers: result.secretPointers,
            sectionLocations: layered.sectionLocations, plan: plan, schema: service.schema)
        var diagnostics = result.failures.map { policies.diagnostic(for: $0) }
        diagnostics += policies.run()
        return (
            ServiceValidation(id: service.id, folder: service.folder, schema: service.schema, files: layered.files, diagnostics: diagnostics, isUnusable: false),
            policies.sites
        )
    }
}
