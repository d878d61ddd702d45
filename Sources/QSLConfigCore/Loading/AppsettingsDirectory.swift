/// A service's configuration folder: `appsettings.json`, then `appsettings.{Environment}.json`,
/// the file layers an ASP.NET Core host loads first. `ConfigurationLoader` layers the rest.
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
        // A folder, a FIFO or a socket where a file belongs is read, so that the reader names it
        // (without waiting on it); only a path with nothing there is a missing file.
        let base = filePath()
        if FileBytes.anythingExists(base) {
            do { documents.append(try JSONDocument(contentsOfFile: base, limits: limits)) } catch { problems.append(error) }
        } else {
            problems.append(
                Diagnostic(
                    at: SourceLocation(file: base, line: 1, column: 1, offset: 0),
                    "the base configuration file is missing; every service folder needs an appsettings.json", rule: "io"))
        }
        let overlay = filePath(environment: environment)
        if FileBytes.anythingExists(overlay) {
            do { documents.append(try JSONDocument(contentsOfFile: overlay, limits: limits)) } catch { problems.append(error) }
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        return documents
    }
}
