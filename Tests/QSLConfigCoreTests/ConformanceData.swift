import Foundation

/// The conformance data the repository carries in `Tests/Conformance/`, found from this file's
/// path so that nothing depends on the working directory or on anything beside the clone.
enum ConformanceData {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // QSLConfigCoreTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Conformance")

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
