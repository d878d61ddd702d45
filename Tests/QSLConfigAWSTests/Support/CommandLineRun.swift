import Foundation
import QSLConfigTesting

/// Runs the `qsl-config` binary built beside this test bundle and captures its output.
enum CommandLineRun {
    typealias Result = ChildProcess.Result

    static func executable() throws -> URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundleDirectory, bundleDirectory.deletingLastPathComponent(), Bundle.main.bundleURL] {
            let candidate = directory.appendingPathComponent("qsl-config")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "the qsl-config executable was not built next to the tests in \(bundleDirectory.path); build the whole package (swift build --build-tests)")
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `qsl-config arguments` with exactly `environment` (plus PATH), in a scratch directory.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> Result {
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let executable = try executable()
        let variables = env
        return try await Task.detached {
            try ChildProcess.run(executable, arguments, environment: variables, directory: FileManager.default.temporaryDirectory)
        }.value
    }
}
