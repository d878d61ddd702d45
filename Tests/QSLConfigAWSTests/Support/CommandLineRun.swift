import Foundation

/// Runs the `qsl-config` binary built beside this test bundle and captures its output.
enum CommandLineRun {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

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
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes drain on their own tasks, so a chatty child never blocks on a full pipe.
        async let outBytes = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let errBytes = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        let (stdout, stderr) = await (outBytes, errBytes)
        await Task.detached { process.waitUntilExit() }.value
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
