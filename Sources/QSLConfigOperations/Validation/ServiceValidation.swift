import QSLConfig
import QSLConfigCore

/// What validation found for one service.
public struct ServiceValidation: Sendable {
    /// The catalogue id, or the folder name in directory mode.
    public var id: String
    /// The service's configuration folder.
    public var folder: String
    /// The schema it was validated against.
    public var schema: String
    /// The files layered, lowest priority first.
    public var files: [String]
    /// Every finding, in file order: errors, warnings (alternative spellings) and notes.
    public var diagnostics: [Diagnostic]
    /// Whether a file could not be read or parsed, so the merged configuration could not be
    /// validated (exit code 2).
    public var isUnusable: Bool

    public init(id: String, folder: String, schema: String, files: [String], diagnostics: [Diagnostic], isUnusable: Bool) {
        self.id = id
        self.folder = folder
        self.schema = schema
        self.files = files
        self.diagnostics = diagnostics
        self.isUnusable = isUnusable
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}
