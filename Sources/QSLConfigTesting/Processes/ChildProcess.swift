import Foundation
import QSLConfigCore
import Synchronization

/// Runs a program to completion and captures what it prints: the built `qsl-config`, or a real
/// client such as the AWS CLI or `python3` that reads back what qsl-config wrote.
///
/// Both output pipes are drained concurrently, so a child that prints a lot never blocks on a
/// full pipe.
///
/// ```swift
/// let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["aws", "--version"])
/// #expect(result.status == 0)
/// ```
public enum ChildProcess {
    /// The exit status and everything the child printed.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The signal that ended the child (`status` is then its number, as Foundation reports
        /// it), or `nil` when it exited.
        public var signal: Int32? = nil
        /// Whether the child was killed because it outlived the `timeout` it was run with.
        public var timedOut = false
    }

    /// Runs `executable` with `arguments` and waits for it.
    ///
    /// - Parameters:
    ///   - environment: The child's whole environment; this process's when `nil`.
    ///   - directory: The working directory; this process's when `nil`.
    ///   - input: Written to the child's standard input, which is then closed (it is closed at
    ///     once when `nil`).
    ///   - timeout: When given, a child still running after it is killed (`SIGKILL`) and the
    ///     result says ``Result/timedOut``: a hang fails a test instead of stopping the run.
    /// - Throws: When the program cannot be started.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil, input: String? = nil,
        timeout: Duration? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        // A child that exits before reading its input must not take the test runner with it.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        let killed = Mutex(false)
        let watchdog = DispatchWorkItem {
            guard process.isRunning else { return }
            killed.withLock { $0 = true }
            kill(process.processIdentifier, SIGKILL)
        }
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            DispatchQueue.global().asyncAfter(deadline: .now() + Double(seconds) + Double(attoseconds) / 1e18, execute: watchdog)
        }
        defer { watchdog.cancel() }
        if let input { try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
            signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil, timedOut: killed.withLock { $0 })
    }

    /// ``run(_:_:environment:directory:input:timeout:)`` on a thread of its own, for async
    /// callers: waiting for a long-running child then holds no thread of the cooperative pool,
    /// which on a 2-core machine has two, shared by every test running in parallel.
    public static func runOnOwnThread(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil, input: String? = nil,
        timeout: Duration? = nil
    ) async throws -> Result {
        try await BlockingThread.run {
            try run(executable, arguments, environment: environment, directory: directory, input: input, timeout: timeout)
        }
    }

    /// Runs a program found on `PATH` (through `/usr/bin/env`).
    public static func run(
        program: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil, input: String? = nil
    ) throws -> Result {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments, environment: environment, directory: directory, input: input)
    }
}
