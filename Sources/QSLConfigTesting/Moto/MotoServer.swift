import Foundation
import QSLConfigAWS
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `moto_server` process on a free loopback port, for integration tests against the real
/// Secrets Manager, SSM, STS and IAM wire protocols.
///
/// Started with `initialNoAuthActionCount: N`, moto lets the first N API calls through
/// unauthenticated (enough to create users, keys, policies and roles), then verifies every
/// request's SigV4 signature and evaluates IAM policies.
///
/// Missing moto is a test failure, not a skip: CI installs it (`pip install 'moto[server]'`).
///
/// ```swift
/// let moto = try await MotoServer.start(initialNoAuthActionCount: 5)
/// defer { moto.stop() }
/// ```
public final class MotoServer: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// moto could not bind its port: another process took it first.
        var portInUse = false

        init(description: String, portInUse: Bool = false) {
            self.description = description
            self.portInUse = portInUse
        }
    }

    public let port: Int
    private let process: Mutex<Process?>
    private let logPath: String

    private init(port: Int, process: sending Process, logPath: String) {
        self.port = port
        self.process = Mutex(process)
        self.logPath = logPath
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`.
    public var endpointURL: String { "http://127.0.0.1:\(port)" }

    /// Starts moto and waits until it answers HTTP.
    ///
    /// - Parameters:
    ///   - initialNoAuthActionCount: calls allowed before moto enforces signatures and IAM policy;
    ///     `nil` never enforces.
    ///   - environment: extra variables for the moto process.
    ///   - resourceLevelPolicies: run moto through `moto_resource_policies.py` (beside this file),
    ///     which makes Secrets Manager and SSM policy checks use the resource ARNs AWS authorises
    ///     against, including per-secret checks inside BatchGetSecretValue; stock moto checks
    ///     those services against `*`, so exact-ARN policies could not be tested.
    public static func start(
        initialNoAuthActionCount: Int? = nil, environment: [String: String] = [:], resourceLevelPolicies: Bool = false
    ) async throws -> MotoServer {
        // A free port can be taken by another process between our probe and moto's bind (tests
        // start servers in parallel): then moto exits at once, and another port is tried.
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await startOnce(initialNoAuthActionCount: initialNoAuthActionCount, environment: environment, resourceLevelPolicies: resourceLevelPolicies)
            } catch let failure as Failure where failure.portInUse && attempt < 5 {
                continue
            }
        }
    }

    static func startOnce(
        initialNoAuthActionCount: Int?, environment: [String: String], resourceLevelPolicies: Bool
    ) async throws -> MotoServer {
        let command = resourceLevelPolicies ? [try locatePython(), resourcePolicyLauncher] : try locate()
        let port = try HTTPWire.freePort()
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port)-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw Failure(description: "cannot write \(logPath)") }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst()) + ["-H", "127.0.0.1", "-p", String(port)]
        var env = ProcessInfo.processInfo.environment
        env["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
        env["PYTHONUNBUFFERED"] = "1"
        if let initialNoAuthActionCount { env["INITIAL_NO_AUTH_ACTION_COUNT"] = String(initialNoAuthActionCount) }
        // moto's request recorder (off until startRecording()) writes here, not into the working directory.
        env["MOTO_RECORDER_FILEPATH"] = logPath + ".recording"
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let server = MotoServer(port: port, process: process, logPath: logPath)

        // Poll the management API (it does not count as an action) until moto answers.
        for _ in 0..<600 {
            if !server.isRunning {
                let tail = server.logTail()
                throw Failure(description: "moto_server exited during start-up; its log:\n\(tail)", portInUse: tail.contains("in use"))
            }
            if (try? HTTPWire.exchange(port: port, method: "GET", target: "/moto-api/", headers: ["Host": "127.0.0.1:\(port)"], body: [])) != nil {
                // The answer may have come from another server that holds the port; ours then
                // exits, which a moment's wait shows.
                try await Task.sleep(for: .milliseconds(200))
                guard server.isRunning else {
                    let tail = server.logTail()
                    throw Failure(description: "moto_server exited during start-up; its log:\n\(tail)", portInUse: tail.contains("in use"))
                }
                if initialNoAuthActionCount == nil { server.warmUp() }
                return server
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw Failure(description: "moto_server did not answer on port \(port) within 60 s; its log:\n\(server.logTail())")
    }

    /// moto loads each service's backend on that service's first request, which takes seconds
    /// on a loaded machine: long enough to trip the short timeouts some tests set. One read-only
    /// call per service during start-up moves that cost out of the tests. (Not done when moto
    /// counts unauthenticated actions: these calls would use them up.)
    func warmUp() {
        for (service, target) in [("secretsmanager", "secretsmanager.ListSecrets"), ("ssm", "AmazonSSM.DescribeParameters")] {
            _ = try? HTTPWire.exchange(
                port: port, method: "POST", target: "/",
                headers: [
                    "Host": "127.0.0.1:\(port)", "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target,
                    // moto routes by the credential scope; with authentication off it checks nothing else.
                    "Authorization": "AWS4-HMAC-SHA256 Credential=warmup/20200101/us-east-1/\(service)/aws4_request, SignedHeaders=host, Signature=00",
                ],
                body: Array("{}".utf8))
        }
    }

    /// Whether the moto process is still alive.
    public var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Stops the process (idempotent).
    public func stop() {
        process.withLock { process in
            guard let running = process else { return }
            if running.isRunning {
                // SIGKILL, not terminate(): a child spawned from a Swift concurrency thread
                // inherits that thread's blocked-signal mask, SIGTERM included, so moto would
                // never see a SIGTERM. moto keeps nothing worth a graceful shutdown.
                kill(running.processIdentifier, SIGKILL)
                running.waitUntilExit()
            }
            process = nil
        }
        // The recording holds request bodies; drop it with the server.
        try? FileManager.default.removeItem(atPath: recordingPath)
    }

    /// Where moto's request recorder writes (see `MotoServer+Recorder.swift`).
    var recordingPath: String { logPath + ".recording" }

    /// The last lines moto wrote, for failure messages.
    public func logTail(lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// The launcher that adds resource-level checks (see ``start(initialNoAuthActionCount:environment:resourceLevelPolicies:)``).
    static let resourcePolicyLauncher = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("moto_resource_policies.py").path

    /// The first `python3` on PATH that can import moto.
    static func locatePython() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let python = "\(directory)/python3"
            guard FileManager.default.isExecutableFile(atPath: python) else { continue }
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: python)
            probe.arguments = ["-c", "import moto.server"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            if (try? probe.run()) != nil {
                probe.waitUntilExit()
                if probe.terminationStatus == 0 { return python }
            }
        }
        throw Failure(description: "no python3 on PATH can import moto; install it with `python3 -m pip install 'moto[server]'`.")
    }

    /// `moto_server` from PATH, else `python3 -m moto.server` if the module imports.
    static func locate() throws -> [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/moto_server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return [candidate] }
        }
        if let python = try? locatePython() { return [python, "-m", "moto.server"] }
        throw Failure(description: "moto_server is not installed (not on PATH, and `python3 -m moto.server` fails); install it with `python3 -m pip install 'moto[server]'`.")
    }
}
