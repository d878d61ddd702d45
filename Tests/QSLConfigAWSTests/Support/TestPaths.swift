import Foundation

/// Locations the tests read from, found from this file's path so nothing depends on the
/// working directory: the package root holds `Package.swift`, and `shared/` sits beside it.
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

    /// `../shared/conformance/sigv4` relative to the package root.
    static let sigv4Vectors: URL = packageRoot
        .deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/sigv4/v4")
}
