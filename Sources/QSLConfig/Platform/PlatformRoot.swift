import Foundation
import QSLConfigCore

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
    /// - Throws: ``DiagnosticList`` naming the file when it is missing or malformed.
    public init(path: String) throws(DiagnosticList) {
        self.path = path
        let file = Self.join(path, "environments/services.json")
        guard FileBytes.exists(file) else {
            throw DiagnosticList([
                Diagnostic(
                    at: SourceLocation(file: file, line: 1, column: 1, offset: 0),
                    "the service catalogue is missing; a platform root holds environments/services.json listing every service", rule: "catalogue")
            ])
        }
        self.catalogue = try Self.decode(ServiceCatalogue.self, file: file)
    }

    /// The definition in `environments/<name>.json`.
    public func environment(_ name: String) throws(DiagnosticList) -> EnvironmentDefinition {
        let file = Self.join(path, "environments/\(name.lowercased()).json")
        guard FileBytes.exists(file) else {
            let known = (try? FileManager.default.contentsOfDirectory(atPath: Self.join(path, "environments")))?
                .filter { $0.hasSuffix(".json") && $0 != "services.json" }.map { String($0.dropLast(5)) }.sorted() ?? []
            throw DiagnosticList([
                Diagnostic(
                    at: SourceLocation(file: file, line: 1, column: 1, offset: 0),
                    "there is no environment named \(name); the environments are: \(known.joined(separator: ", "))", rule: "environment")
            ])
        }
        return try Self.decode(EnvironmentDefinition.self, file: file)
    }

    /// The catalogue entry of `id`.
    public func service(_ id: String) throws(DiagnosticList) -> ServiceCatalogue.Service {
        guard let service = catalogue.service(id) else {
            throw DiagnosticList([
                Diagnostic(
                    at: SourceLocation(file: Self.join(path, "environments/services.json"), line: 1, column: 1, offset: 0),
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

    static func decode<T: Decodable>(_ type: T.Type, file: String) throws(DiagnosticList) -> T {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(file, maxBytes: 4 << 20) } catch { throw DiagnosticList([error]) }
        do {
            // Read with the project's reader first, so syntax errors carry their position.
            _ = try JSONDocument(parsing: bytes, file: file)
        } catch {
            throw DiagnosticList([error])
        }
        do {
            let decoder = JSONDecoder()
            decoder.allowsJSON5 = true
            return try decoder.decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw DiagnosticList([Diagnostic(at: SourceLocation(file: file, line: 1, column: 1, offset: 0), "missing required key \(Self.path(context.codingPath + [key]))", rule: "schema")])
        } catch let DecodingError.typeMismatch(_, context) {
            throw DiagnosticList([Diagnostic(at: SourceLocation(file: file, line: 1, column: 1, offset: 0), "wrong type at \(Self.path(context.codingPath)): \(context.debugDescription)", rule: "schema")])
        } catch {
            throw DiagnosticList([Diagnostic(at: SourceLocation(file: file, line: 1, column: 1, offset: 0), "cannot read this file: \(error)", rule: "schema")])
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
