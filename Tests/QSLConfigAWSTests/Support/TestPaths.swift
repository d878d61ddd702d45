import Foundation

/// Locations the tests read from, found from this file's path so nothing depends on the
/// working directory: the package root holds `Package.swift`, and the conformance data is in
/// `Tests/Conformance/`.
enum TestPaths {
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

    /// The SigV4 vectors the repository carries.
    static let sigv4Vectors: URL = packageRoot.appendingPathComponent("Tests/Conformance/sigv4/v4")
}
