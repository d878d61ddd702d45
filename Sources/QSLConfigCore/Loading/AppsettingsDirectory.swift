/// A service's configuration folder, loaded the way an ASP.NET Core host loads it:
/// `appsettings.json`, then `appsettings.{Environment}.json`, then environment variables, then
/// command-line arguments.
public struct AppsettingsDirectory: Sendable {
    /// The folder holding the appsettings files.
    public var path: String
    public var limits: ReaderLimits
    public var compatibility: AspNetCompatibility

    public init(path: String, limits: ReaderLimits = .default, compatibility: AspNetCompatibility = .default) {
        self.path = path
        self.limits = limits
        self.compatibility = compatibility
    }

    /// The file path of `appsettings.json` or `appsettings.{environment}.json`.
    public func filePath(environment: String? = nil) -> String {
        let name = environment.map { "appsettings.\($0).json" } ?? "appsettings.json"
        return path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// Reads the file layers: the base file (required) and the environment file (optional).
    ///
    /// - Throws: A ``DiagnosticList`` with every file's problems: a missing base file, and each
    ///   file's first syntax error or duplicate key.
    public func readDocuments(environment: String) throws(DiagnosticList) -> [JSONDocument] {
        var documents: [JSONDocument] = []
        var problems: [Diagnostic] = []
        let base = filePath()
        if FileBytes.exists(base) {
            do { documents.append(try JSONDocument(contentsOfFile: base, limits: limits)) } catch { problems.append(error) }
        } else {
            problems.append(
                Diagnostic(
                    at: SourceLocation(file: base, line: 1, column: 1, offset: 0),
                    "the base configuration file is missing; every service folder needs an appsettings.json", rule: "io"))
        }
        let overlay = filePath(environment: environment)
        if FileBytes.exists(overlay) {
            do { documents.append(try JSONDocument(contentsOfFile: overlay, limits: limits)) } catch { problems.append(error) }
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        return documents
    }

    /// The full layer stack: file layers, then `environmentVariables` (when given), then
    /// `arguments`.
    public func load(
        environment: String,
        environmentVariables: [String: String]?,
        arguments: [String] = []
    ) throws(DiagnosticList) -> LayeredConfiguration {
        let documents = try readDocuments(environment: environment)
        var configuration = LayeredConfiguration()
        var problems: [Diagnostic] = []
        for document in documents {
            do { configuration.add(try .json(document, compatibility: compatibility)) } catch { problems.append(error) }
        }
        if let environmentVariables {
            configuration.add(.environment(environmentVariables, compatibility: compatibility))
        }
        do { configuration.add(try .commandLine(arguments)) } catch { problems.append(error) }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        return configuration
    }
}
