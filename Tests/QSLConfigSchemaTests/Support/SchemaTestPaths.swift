import Foundation

/// Locations the schema tests read from, found from this file's path so nothing depends on the
/// working directory: the package root holds `Package.swift`, and the conformance data is in
/// `Tests/Conformance/`.
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

    /// The JSON Schema Test Suite the repository carries.
    static let testSuite: String = packageRoot.appendingPathComponent("Tests/Conformance/json-schema-test-suite").path

    /// The meta-schemas the repository carries.
    static let metaschemas: String = packageRoot.appendingPathComponent("Tests/Conformance/json-schema-metaschemas").path

    /// The project's `schemas/`.
    static let schemas: String = packageRoot.appendingPathComponent("schemas").path
}
