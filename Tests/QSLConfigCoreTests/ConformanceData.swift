import Foundation

/// The shared conformance data, read straight from `../shared/conformance/` (beside the
/// repository) so it cannot drift. `QSL_CONFORMANCE_DIR` overrides the location.
enum ConformanceData {
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["QSL_CONFORMANCE_DIR"] {
            return URL(fileURLWithPath: override)
        }
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("shared/conformance")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("aspnet-configuration-cases.json").path) {
                return candidate
            }
            folder = folder.deletingLastPathComponent()
        }
        fatalError("the conformance data (../shared/conformance beside the repository) was not found; set QSL_CONFORMANCE_DIR")
    }()

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
