import QSLConfigCore

/// Reads appsettings folders into configuration layers, each folder and environment once
/// however many services layer it (the shared AppHost files are read once for all 22 services).
///
/// The one place a folder becomes layers: ``ConfigurationLoader`` (resolve, exec, bundle, the
/// library at start-up) and `validate` both read through it, so a rule about which files load
/// and how changes here only.
public struct AppsettingsReader: Sendable {
    /// One file of a folder: its document (positions, comments, byte ranges) and its layer.
    public struct File: Sendable {
        public var document: JSONDocument
        public var layer: ConfigurationLayer
    }

    /// What a folder holds for one environment: `appsettings.json`, then
    /// `appsettings.{Environment}.json` when present, or every problem found reading them.
    public struct Folder: Sendable {
        public var files: [File]
        public var diagnostics: [Diagnostic]
    }

    public let compatibility: AspNetCompatibility
    public let limits: ReaderLimits
    private var cache: [String: Folder] = [:]

    public init(compatibility: AspNetCompatibility = .default, limits: ReaderLimits = .default) {
        self.compatibility = compatibility
        self.limits = limits
    }

    /// The files of `folder` for the ASP.NET environment `environment`, read on first use.
    public mutating func read(folder: String, environment: String) -> Folder {
        let key = folder + "\u{0}" + environment
        if let cached = cache[key] { return cached }
        var folderRead = Folder(files: [], diagnostics: [])
        do {
            let documents = try AppsettingsDirectory(path: folder, limits: limits, compatibility: compatibility).readDocuments(environment: environment)
            for document in documents {
                do {
                    folderRead.files.append(File(document: document, layer: try ConfigurationLayer.json(document, compatibility: compatibility)))
                } catch {
                    folderRead.diagnostics.append(error)
                }
            }
        } catch {
            folderRead.diagnostics = error.diagnostics
        }
        cache[key] = folderRead
        return folderRead
    }
}
