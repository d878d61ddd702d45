import Foundation
import QSLConfigTesting

/// Runs the built `qsl-config` binary and captures what it prints.
struct CLIRunner {
    typealias Result = ChildProcess.Result

    /// The executable built beside this test bundle.
    static let executable: URL = {
        let bundleDirectory = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("qsl-config")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        fatalError("qsl-config was not built next to the tests in \(bundleDirectory.path)")
    }()

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs qsl-config, or `program` when given (a script that calls it).
    static func run(
        _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil, directory: URL? = nil, program: URL? = nil,
        timeout: Duration? = nil
    ) throws -> Result {
        // Never the repository: a command that writes a local store writes it in a scratch folder.
        try ChildProcess.run(
            program ?? executable, arguments, environment: environment, directory: try directory ?? temporaryDirectory(), input: stdin, timeout: timeout)
    }

    /// ``run(_:environment:stdin:directory:program:timeout:)`` for async tests whose children run
    /// long: the wait holds a thread of its own, not one of the cooperative pool.
    static func runOnOwnThread(
        _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil, timeout: Duration? = nil
    ) async throws -> Result {
        try await ChildProcess.runOnOwnThread(executable, arguments, environment: environment, directory: try directory ?? temporaryDirectory(), timeout: timeout)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The environment tests run the CLI with: only what they set, plus PATH.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        environment.merge(extra) { $1 }
        return environment
    }
}
