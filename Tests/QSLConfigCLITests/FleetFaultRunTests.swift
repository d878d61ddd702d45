import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting
import Testing
import QSLConfigAWSURLSession

/// The fleet-scale fault run: the real commands over all 22 services, through a proxy that
/// answers a share of requests with faults, against moto; then the same without faults, and the
/// two end states compared. `scripts/fault-run.sh` runs it with other seeds and rates.
///
/// The commands, in order, each re-run (as a pipeline or scheduler would) while it fails with
/// exit 3: `seed` (development), `resolve --all-services`, `bundle` in all four formats, `migrate`
/// smoke → production, and `rotate --kind generated` over every generated secret of production.
@Suite("fleet fault run (CLI through a fault-injecting proxy)", .serialized)
struct FleetFaultRunTests {
    static let commandTimeout: Duration = .seconds(300)
    static let maximumRuns = 12

    struct Step {
        var name: String
        var arguments: [String]
        /// The file the command's standard output is kept in, for the end-state comparison.
        var stdoutFile: String?
    }

    static let steps: [Step] = {
        var steps = [
            Step(name: "seed", arguments: ["seed", "--root", ".", "--environment", "development", "--from", "platform/dev-seed.json"]),
            Step(name: "resolve", arguments: ["resolve", "--root", ".", "--environment", "development", "--all-services"], stdoutFile: "out/resolve.json"),
        ]
        for format in ["dotenv", "json", "ecs", "k8s"] {
            steps.append(Step(name: "bundle \(format)", arguments: ["bundle", "--root", ".", "--environment", "development", "--format", format, "--output", "out/\(format)"]))
        }
        steps.append(Step(name: "migrate", arguments: ["migrate", "--root", ".", "--from", "smoke", "--to", "production"]))
        steps.append(Step(name: "rotate", arguments: ["rotate", "--root", ".", "--environment", "production", "--kind", "generated", "--format", "json"]))
        return steps
    }()

    /// What one run did.
    struct Run {
        var root: URL
        var requests = 0
        var faults = 0
        var reruns = 0
        /// Attempts the client retried inside a command (its `retrying AWS call` debug lines).
        var retries = 0
        var seconds = 0.0
        /// Exit-3 failures seen, as `step: first line of stderr`.
        var failures: [String] = []
        var rotated: Set<String> = []
        var faultCounts: [String: Int] = [:]
    }

    static func kind(_ fault: FaultInjectingProxy.Fault) -> String {
        switch fault {
        case .pass: "pass"
        case .throttle: "throttle-400"
        case .throttleStatus(let status): "throttle-\(status)"
        case .serverError: "500"
        case .reset: "reset"
        case .stall: "stall"
        case .forwardThenServerError: "forward+500"
        case .forwardThenReset: "forward+reset"
        case .trickle: "trickle"
        case .truncatedBody: "truncated"
        }
    }

    /// Runs every step through a proxy in front of a fresh moto, with `faults` scripted.
    static func run(faults: [FaultInjectingProxy.Fault], environment extra: [String: String] = [:]) async throws -> (Run, [String: MigrateCommandTests.SecretState]) {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let proxy = try FaultInjectingProxy(upstreamPort: moto.port, faults: faults)
        defer { proxy.stop() }
        let root = try MigrateCommandTests.copyTree()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        var run = Run(root: root)
        let environment = CLIRunner.environment(moto.environment(["AWS_ENDPOINT_URL": proxy.baseURL, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]).merging(extra) { $1 })
        let clock = ContinuousClock()
        let started = clock.now
        for step in steps {
            var attempt = 0
            var arguments = step.arguments
            while true {
                attempt += 1
                let result = try await CLIRunner.runOnOwnThread(arguments + ["--store", "aws"], environment: environment, directory: root, timeout: commandTimeout)
                #expect(!result.timedOut, "\(step.name) hung past \(commandTimeout)")
                run.retries += result.stderr.components(separatedBy: "retrying AWS call").count - 1
                #expect(result.signal == nil, "\(step.name) crashed with signal \(result.signal ?? 0): \(result.stderr.suffix(800))")
                try expectNoLeftovers(root, after: step.name)
                if result.status == 0 {
                    if let file = step.stdoutFile {
                        try Data(result.stdout.utf8).write(to: root.appendingPathComponent(file))
                    }
                    if step.name == "rotate" { run.rotated.formUnion(try rotatedSecrets(result.stdout).rotated) }
                    break
                }
                if step.name == "rotate", let report = try? rotatedSecrets(result.stdout) {
                    // As an operator would: the secrets this run rotated are done; the next run
                    // names the others (a leftover AWSPENDING among them is finished, not redone).
                    run.rotated.formUnion(report.rotated)
                    let remaining = report.listed.subtracting(report.rotated).sorted()
                    if !remaining.isEmpty { arguments = step.arguments + remaining.flatMap { ["--secret", $0] } }
                }
                #expect(result.status == 3, "\(step.name) must succeed or fail with exit 3, not \(result.status): \(result.stderr.suffix(800))")
                let message = result.stderr.split(separator: "\n").first { $0.contains("error") } ?? ""
                #expect(!message.isEmpty, "\(step.name) failed with exit 3 and no error line: \(result.stderr.suffix(800))")
                run.failures.append("\(step.name): \(message)")
                guard result.status == 3, attempt < maximumRuns else {
                    Issue.record("\(step.name) still failing after \(attempt) runs")
                    break
                }
                run.reruns += 1
            }
        }
        run.seconds = (clock.now - started) / .seconds(1)
        let exchanges = proxy.exchanges
        run.requests = exchanges.count
        run.faults = exchanges.filter { $0.fault != .pass }.count
        run.faultCounts = Dictionary(grouping: exchanges.filter { $0.fault != .pass }, by: { Self.kind($0.fault) }).mapValues(\.count)
        let store = try AWSSecretStoreFactory.store(moto)
        return (run, try await MigrateCommandTests.secrets(store))
    }

    /// No temporary file left behind, and every JSON file under the root (appsettings with their
    /// comments included) reads whole with the project's reader.
    static func expectNoLeftovers(_ root: URL, after step: String) throws {
        let enumerator = FileManager.default.enumerator(atPath: root.path)!
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            #expect(!name.contains(".tmp-"), "\(step) left \(relative) behind")
            if name.hasSuffix(".json") {
                let bytes = Array(try Data(contentsOf: root.appendingPathComponent(relative)))
                #expect((try? JSONDocument(parsingAnyValue: bytes, file: relative)) != nil, "\(step) left \(relative) half-written")
            }
        }
    }

    /// The secrets `rotate --format json` lists, and those it rotated (or finished resuming).
    static func rotatedSecrets(_ json: String) throws -> (listed: Set<String>, rotated: Set<String>) {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let entries = object["secrets"] as? [[String: Any]]
        else { throw MigrateCommandTests.CLIFailure("rotate's JSON report has no secrets: \(json.prefix(400))") }
        let listed = Set(entries.compactMap { $0["name"] as? String })
        let rotated = Set(entries.compactMap { entry -> String? in
            guard let status = entry["status"] as? String, ["rotated", "resumed"].contains(status) else { return nil }
            return entry["name"] as? String
        })
        return (listed, rotated)
    }

    /// Every file of the run's tree and outputs, with what differs between two moto servers by
    /// design masked: the random suffix of secret ARNs, the loopback port of the endpoint (the
    /// process environment is a configuration layer), and so the ecs manifest's file digests.
    static func endState(_ root: URL) throws -> [String: Data] {
        let arnSuffix = try Regex(#"(:secret:[A-Za-z0-9/_+=.@-]+?)-[A-Za-z0-9]{6}(?=[":])"#)
        let port = try Regex(#"127\.0\.0\.1:[0-9]+"#)
        let digest = try Regex(#"sha256:[0-9a-f]{64}"#)
        var files = try MigrateCommandTests.files(root)
        for (path, data) in files where path.hasPrefix("out/") {
            var text = String(decoding: data, as: UTF8.self)
                .replacing(arnSuffix) { "\($0.output[1].substring ?? "")-XXXXXX" }
                .replacing(port, with: "127.0.0.1:PORT")
            if path == "out/ecs/manifest.json" { text = text.replacing(digest, with: "sha256:DIGEST") }
            files[path] = Data(text.utf8)
        }
        return files
    }

    /// Throttling answers for `throttleRate` of the requests (400 `ThrottlingException`, 429 and
    /// 503 in turn), another fault for `otherRate` of them, the rest passed through.
    static func faultScript(seed: UInt64, throttleRate: Double, otherRate: Double, count: Int) -> [FaultInjectingProxy.Fault] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let draw = Double(generator.next() % 1_000_000) / 1_000_000
            if draw < throttleRate { return throttles[Int(generator.next() % UInt64(throttles.count))] }
            if draw < throttleRate + otherRate { return otherFaults[Int(generator.next() % UInt64(otherFaults.count))] }
            return .pass
        }
    }

    static let throttles: [FaultInjectingProxy.Fault] = [.throttle, .throttleStatus(429), .throttleStatus(503)]
    /// Stalls and trickles outlast the deadline the commands run with (`QSL_HTTP_TIMEOUT`).
    static let deadlineSeconds = 2
    static let otherFaults: [FaultInjectingProxy.Fault] = [
        .reset, .stall(.seconds(deadlineSeconds * 2)), .trickle(every: .milliseconds(250)), .truncatedBody,
        .serverError, .forwardThenServerError, .forwardThenReset,
    ]

    @Test("30% of requests throttled and 10% faulted otherwise: every command ends in exit 0 or 3 with a clear message, nothing half-written, no duplicate secret version, and the same end state as a fault-free run")
    func fleetUnderFaults() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["QSL_FAULT_RUN_SEED"] ?? "") ?? 2026
        let rate = Double(ProcessInfo.processInfo.environment["QSL_FAULT_RUN_RATE"] ?? "") ?? 0.30
        let otherRate = Double(ProcessInfo.processInfo.environment["QSL_FAULT_RUN_OTHER_RATE"] ?? "") ?? 0.10
        let deadline = ["QSL_HTTP_TIMEOUT": String(Self.deadlineSeconds), "QSL_LOG_LEVEL": "debug"]
        let (clean, cleanSecrets) = try await Self.run(faults: [], environment: deadline)
        #expect(clean.failures.isEmpty, "the fault-free run failed: \(clean.failures)")
        let faults = Self.faultScript(seed: seed, throttleRate: rate, otherRate: otherRate, count: 50_000)
        let (faulty, faultySecrets) = try await Self.run(faults: faults, environment: deadline)

        // Same secrets, one version each where the clean run has one: a retried CreateSecret or
        // PutSecretValue reused its ClientRequestToken.
        #expect(Set(faultySecrets.keys) == Set(cleanSecrets.keys))
        for (name, state) in cleanSecrets {
            guard let other = faultySecrets[name] else { continue }
            #expect(other.versions == state.versions, "\(name): \(other.versions) versions under faults, \(state.versions) without")
            if !clean.rotated.contains(name) {
                #expect(other.value == state.value, "\(name) differs between the runs")
            }
        }
        #expect(faulty.rotated == clean.rotated)
        #expect(!clean.rotated.isEmpty)

        let cleanFiles = try Self.endState(clean.root)
        let faultyFiles = try Self.endState(faulty.root)
        #expect(MigrateCommandTests.differences(cleanFiles, faultyFiles).isEmpty, "files differ: \(MigrateCommandTests.differences(cleanFiles, faultyFiles).prefix(10))")
        #expect(faulty.faults > 0)
        #expect(clean.retries == 0 && faulty.retries > 0)

        print("""
            fault-run: seed=\(seed) throttle_rate=\(rate) other_fault_rate=\(otherRate) deadline_s=\(Self.deadlineSeconds)
            fault-run: fault-free requests=\(clean.requests) seconds=\(String(format: "%.1f", clean.seconds))
            fault-run: faulty requests=\(faulty.requests) faults_injected=\(faulty.faults) retries=\(faulty.retries) command_reruns=\(faulty.reruns) seconds=\(String(format: "%.1f", faulty.seconds)) time_ratio=\(String(format: "%.2f", faulty.seconds / max(clean.seconds, 0.001)))
            fault-run: faults by kind: \(faulty.faultCounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            fault-run: exit-3 failures: \(faulty.failures.count)
            """)
        for failure in faulty.failures.prefix(20) { print("fault-run:   \(failure)") }
    }
}


enum AWSSecretStoreFactory {
    static func store(_ moto: MotoServer) throws -> AWSSecretStore {
        let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: SecretValue("testing"), source: "test")
        return AWSSecretStore(context: try AWSContext(credentials: credentials, environment: moto.environment(), runtime: AWSRuntime(transport: URLSessionTransport())))
    }
}
