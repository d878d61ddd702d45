import Foundation
import QSLConfig
import QSLConfigCore
@testable import QSLConfigOperations
import Synchronization

/// The zero-failed-logins harness: a client that keeps logging in with the connection string the
/// library resolves (reloading its configuration once after a refusal, as a service would) while
/// a secret rotates 20 times, the client logging in at least twice between two rotations. A
/// rotation that fails on a loaded machine is resumed by the next
/// run, as a scheduler's would be; the logins are what is counted.
struct LoginHarness {
    struct Result {
        var rotated: Int
        var runs: Int
        var perRotation: Duration
        var attempts: Int
        var failures: Int
        var refreshed: Int
    }

    static func run(
        _ f: RotationOperationTests.Fixture, secret: String, rotations: Int = 20, login: @escaping @Sendable (String) async -> Bool
    ) async throws -> Result {
        let folder = try PlatformFixtures.temporaryDirectory("login-client")
        try #"{"ConnectionStrings": {"resource": "${aws:secrets:\#(secret)}"}}"#.write(toFile: folder + "/appsettings.json", atomically: true, encoding: .utf8)
        let configuration = try await RefreshingConfiguration(
            options: ConfigurationOptions(configDirectory: folder, environmentVariables: [:], environmentIsLayer: false, store: f.store),
            policy: RefreshPolicy(interval: .seconds(3_600), minimumForcedInterval: .zero))
        let counts = Mutex((attempts: 0, failures: 0, refreshed: 0))
        let stop = Atomic(false)
        let client = Task {
            while !stop.load(ordering: .relaxed) {
                var ok = await login(configuration.current.string("ConnectionStrings:resource") ?? "")
                if !ok {
                    _ = try? await configuration.refreshAfterAuthenticationFailure()
                    counts.withLock { $0.refreshed += 1 }
                    ok = await login(configuration.current.string("ConnectionStrings:resource") ?? "")
                }
                counts.withLock {
                    $0.attempts += 1
                    if !ok { $0.failures += 1 }
                }
            }
        }
        var rotated = 0
        var runs = 0
        let clock = ContinuousClock()
        let started = clock.now
        while rotated < rotations, runs < rotations * 3 {
            runs += 1
            let report = try await RotationOperation().run(f.request { $0.secrets = [secret] })
            if [.rotated, .resumed].contains(report.entries.first?.status) { rotated += 1 }
            // A rotation period is days; a client logs in many times within one. Back-to-back
            // rotations on a machine busy with other tests could otherwise outrun a starved
            // client by two rotations, which no real schedule does: wait for two logins first.
            let before = counts.withLock { $0.attempts }
            for _ in 0..<1_000 where counts.withLock({ $0.attempts }) < before + 2 {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let perRotation = (clock.now - started) / max(1, rotated)
        stop.store(true, ordering: .relaxed)
        _ = await client.value
        let counted = counts.withLock { $0 }
        return Result(rotated: rotated, runs: runs, perRotation: perRotation, attempts: counted.attempts, failures: counted.failures, refreshed: counted.refreshed)
    }
}
