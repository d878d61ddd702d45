#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore
import QSLConfigSchema

/// A platform root: `environments/` (one definition per environment and the service catalogue)
/// and the configuration folders the catalogue names.
///
/// ```swift
/// let root = try PlatformRoot(path: ".")
/// let production = try root.environment("production")
/// let options = try root.options(service: "userservice", environment: production, environmentVariables: [:])
/// ```
public struct PlatformRoot: Sendable {
    public let path: String
    public let catalogue: ServiceCatalogue

    /// Reads `environments/services.json`.
    ///
    /// - Throws: ``DiagnosticList`` naming the file when it is missing or malformed, or breaks the
    ///   schema its `$schema` names (each failure at its `FILE:LINE:COL`), or when an entry breaks
    ///   ``PlatformPaths``' rules: an id that is not a plain name, a folder or schema path that
    ///   leads outside the root (by `..`, an absolute path or a symbolic link).
    public init(path: String) throws(DiagnosticList) {
        try self.init(path: path, catalogue: nil)
    }

    /// ``init(path:)`` checking `catalogue`, the catalogue file already read and parsed (as
    /// `validate` reads it to start compiling early), instead of reading it again.
    init(path: String, catalogue parsed: JSONDocument?) throws(DiagnosticList) {
        self.path = path
        let file = Self.join(path, Self.cataloguePath)
        guard parsed != nil || FileBytes.exists(file) else {
            throw DiagnosticList([
                Diagnostic(
                    at: SourceLocation(file: file, line: 1, column: 1, offset: 0),
                    "the service catalogue is missing; a platform root holds environments/services.json listing every service", rule: "catalogue")
            ])
        }
        let document: JSONDocument
        if let parsed { document = parsed } else { document = try Self.readDocument(file) }
        let catalogue = try Self.decode(ServiceCatalogue.self, from: document, root: path)
        let problems = catalogue.pathProblems(in: document, root: path)
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        self.catalogue = catalogue
    }

    /// The catalogue file, relative to the root.
    static let cataloguePath = "environments/services.json"

    /// The catalogue file.
    var catalogueFile: String { Self.join(path, Self.cataloguePath) }

    /// Where environment `name` is defined: `environments/<name>.json`, the name lower-cased.
    func environmentFile(_ name: String) -> String {
        Self.join(path, "environments/\(name.lowercased()).json")
    }

    /// The definition in `environments/<name>.json`.
    ///
    /// - Throws: ``DiagnosticList`` when there is no such environment, or its file is malformed
    ///   or breaks the schema its `$schema` names (each failure at its `FILE:LINE:COL`).
    public func environment(_ name: String) throws(DiagnosticList) -> EnvironmentDefinition {
        guard PlatformPaths.isPlainName(name) else {
            throw DiagnosticList([
                Diagnostic(
                    at: nil, "\(JSONStringEncoding.quoted(name)) is not an environment name: environments are plain names (letters, digits, '.', '-' and '_') of files in \(Self.join(path, "environments"))",
                    rule: "environment")
            ])
        }
        let file = environmentFile(name)
        guard FileBytes.exists(file) else {
            let known = (try? FileManager.default.contentsOfDirectory(atPath: Self.join(path, "environments")))?
                .filter { $0.hasSuffix(".json") && $0 != "services.json" }.map { String($0.dropLast(5)) }.sorted() ?? []
            throw DiagnosticList([
                Diagnostic(
                    at: SourceLocation(file: file, line: 1, column: 1, offset: 0),
                    "there is no environment named \(name); the environments are: \(known.joined(separator: ", "))", rule: "environment")
            ])
        }
        let (definition, document) = try Self.decodeWithDocument(EnvironmentDefinition.self, file: file, root: path)
        var problems: [Diagnostic] = []
        for (field, value, location) in [
            ("store.path", definition.store.path, document.root["store"]?["path"]), ("seed", definition.seed, document.root["seed"]),
        ] {
            guard let value, let reason = PlatformPaths.escape(of: value, from: "", root: path) else { continue }
            problems.append(
                Diagnostic(at: location?.location ?? SourceLocation(file: file, line: 1, column: 1, offset: 0), "\(field) \(reason)", rule: "environment-path"))
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        return definition
    }

    /// The catalogue entry of `id`.
    public func service(_ id: String) throws(DiagnosticList) -> ServiceCatalogue.Service {
        guard let service = catalogue.service(id) else {
            throw DiagnosticList([
                Diagnostic(
                    at: SourceLocation(file: catalogueFile, line: 1, column: 1, offset: 0),
                    "there is no service \(id) in the catalogue; the services are: \(catalogue.services.map(\.id).joined(separator: " "))",
                    rule: "catalogue")
            ])
        }
        return service
    }

    /// Where the service's schema is, when the catalogue names one.
    public func schemaPath(for service: ServiceCatalogue.Service) -> String? {
        service.schema.map { Self.join(Self.join(path, "environments"), $0) }
    }

    /// The effective configuration of one service in one environment: the shared layers filtered
    /// to what the service references, then its own layers, then the environment and arguments.
    public func options(
        service id: String,
        environment: EnvironmentDefinition,
        environmentVariables: [String: String],
        environmentIsLayer: Bool = true,
        arguments: [String] = [],
        store: (any SecretStore)?,
        keepAWSReferences: Bool = false,
        compatibility: AspNetCompatibility = .default
    ) throws(DiagnosticList) -> ConfigurationOptions {
        let service = try service(id)
        var options = ConfigurationOptions(
            configDirectory: Self.join(path, service.folder), environmentName: environment.hostEnvironmentName,
            environmentVariables: environmentVariables, environmentIsLayer: environmentIsLayer, arguments: arguments, store: store,
            keepAWSReferences: keepAWSReferences, compatibility: compatibility)
        if let shared = catalogue.shared {
            options.sharedDirectory = Self.join(path, shared.folder)
            options.sharedFilter = service.sharedFilter
        }
        return options
    }

    /// The store an environment names: its local store file (relative to the root), an
    /// emulator endpoint, or AWS in its region. `profile`, `region` and `endpointURL` override.
    public func store(
        for environment: EnvironmentDefinition,
        kind override: SecretStoreFactory.Kind? = nil,
        localStorePath: String? = nil,
        profile: String? = nil,
        region: String? = nil,
        endpointURL: String? = nil,
        variables: [String: String]
    ) throws(StoreError) -> any SecretStore {
        let kind: SecretStoreFactory.Kind
        switch override {
        case .aws?, .local?: kind = override!
        case .auto?, nil: kind = environment.store.kind == "local" ? .local : .aws
        }
        return try SecretStoreFactory.make(
            kind, localStorePath: localStorePath ?? environment.store.path.map { Self.join(path, $0) } ?? Self.join(path, LocalSecretStore.defaultPath),
            profile: profile, region: region ?? environment.region, endpointURL: endpointURL ?? environment.store.endpointUrl,
            environment: variables)
    }

    /// `relative` inside `base` (`relative` itself when absolute; `base` `.` or empty adds nothing).
    public static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        if base.isEmpty || base == "." { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// Reads a definition file: the project's reader first (positions), then the schema its
    /// `$schema` names (inside `root`), then the decoder.
    static func decodeWithDocument<T: Decodable>(_ type: T.Type, file: String, root: String) throws(DiagnosticList) -> (T, JSONDocument) {
        let document = try readDocument(file)
        return (try decode(type, from: document, root: root), document)
    }

    /// A definition file, read with the project's reader, so syntax errors carry their position.
    static func readDocument(_ file: String) throws(DiagnosticList) -> JSONDocument {
        do {
            return try JSONDocument(parsing: try FileBytes.read(file, maxBytes: maxDefinitionBytes), file: file)
        } catch {
            throw DiagnosticList([error])
        }
    }

    /// The largest definition file read: 4 MiB.
    static let maxDefinitionBytes = 4 << 20

    /// `document` checked against its own schema, so a wrong type or value is reported where it
    /// is written, not at 1:1 by the decoder; then decoded.
    static func decode<T: Decodable>(_ type: T.Type, from document: JSONDocument, root: String) throws(DiagnosticList) -> T {
        let problems = schemaProblems(of: document, root: root)
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        do {
            return try JSONValueDecoder().decode(T.self, from: document.root)
        } catch {
            throw DiagnosticList([error])
        }
    }

    /// The failures of `document` against the schema its `$schema` names, a file of the
    /// repository by relative path (`"../schemas/environment.schema.json"`); none when it names
    /// no schema. The schema, and every file its `$ref`s name, must lie inside `root`.
    static func schemaProblems(of document: JSONDocument, root: String) -> [Diagnostic] {
        guard let declared = document.root["$schema"] else { return [] }
        guard let reference = declared.stringValue, !reference.contains("://") else {
            return [
                Diagnostic(
                    at: declared.location, "$schema must name a schema file of the repository by relative path (for example \"../schemas/environment.schema.json\")",
                    rule: "schema-file")
            ]
        }
        let directory = document.file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let schema = join(directory.isEmpty ? "." : directory, reference)
        guard FileBytes.exists(schema) else {
            return [Diagnostic(at: declared.location, "$schema names \(schema), which does not exist", rule: "schema-file")]
        }
        guard let rootReal = AtomicFile.realPath(root), let schemaReal = AtomicFile.realPath(schema),
            rootReal == "/" || schemaReal.hasPrefix(rootReal + "/")
        else {
            return [Diagnostic(at: declared.location, "$schema names \(schema), which is outside the platform root \(root)", rule: "schema-file")]
        }
        do {
            var registry = SchemaRegistry()
            let uri = try registry.addFileWithReferences(atPath: schema, confinedTo: [root])
            let validator = try SchemaValidator(registeredURI: uri, registry: registry, options: SchemaValidationOptions(assertFormats: true))
            return validator.validate(document.root).failures.map(\.diagnostic)
        } catch {
            return [error.diagnostic]
        }
    }
}
