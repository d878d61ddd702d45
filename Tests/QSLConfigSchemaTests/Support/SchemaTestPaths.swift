import Foundation

/// Locations the schema tests read from, found from this file's path so nothing depends on the
/// working directory: the package root holds `Package.swift`, and `shared/` sits beside it.
enum SchemaTestPaths {
    static let packageRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared/conformance/json-schema-test-suite`.
    static let testSuite: String = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/json-schema-test-suite").path

    /// `../shared/conformance/json-schema-metaschemas`.
    static let metaschemas: String = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/json-schema-metaschemas").path

    /// The project's `schemas/`.
    static let schemas: String = packageRoot.appendingPathComponent("schemas").path
}
