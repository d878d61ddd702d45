import Foundation
import QSLConfig
import QSLConfigCore
import QSLConfigTesting
import Testing

/// The short soak: 50 readers while a secret rotates 36 times, several times a second, on the
/// embedded store. `scripts/soak.sh` runs the same for ten minutes (and against moto).
@Suite("refreshing configuration under rotation (short soak)")
struct RefreshSoakTests {
    static func folder(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-soak-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// 36 staged versions (24 promoted, 12 abandoned), about 8 s on an idle machine; counted in
    /// rotations, not seconds, so a machine busy with other tests only makes it slower.
    static var options: RefreshSoak.Options {
        var options = RefreshSoak.Options(
            duration: .seconds(6), readers: 50, rotationPeriod: .milliseconds(150),
            policy: RefreshPolicy(interval: .milliseconds(700), minimumForcedInterval: .milliseconds(100)), abandonEvery: 3)
        options.rotations = 36
        return options
    }

    @Test("no reader sees a value that was never current or goes back; store calls stay within the policy; memory stays flat")
    func shortSoak() async throws {
        let directory = try Self.folder("short")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = LocalSecretStore(path: directory + "/.qsl/store.json")
        let report = try await RefreshSoak.run(store: store, directory: directory + "/service", options: Self.options)

        #expect(report.promoted == 24, "the secret rotated: \(report)")
        #expect(report.abandoned == 12, "versions were staged and abandoned: \(report)")
        #expect(report.distinctSeen >= 3, "readers followed the rotations: \(report)")
        #expect(report.refusedLogins > 0, "readers met refused logins and forced reloads: \(report)")
        #expect(report.neverCurrentSeen.isEmpty, "\(report)")
        #expect(report.regressions == 0, "\(report)")
        #expect(report.storeCalls <= report.storeCallBound, "\(report)")
        #expect(report.rssEndBytes - report.rssStartBytes < 64 << 20, "\(report)")
        #expect(report.holds)
    }

    @Test("the soak's check catches a store that serves a staged version before it is promoted")
    func controlRunCatchesPendingLeak() async throws {
        let directory = try Self.folder("control")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A broken store: a reference to the current version reads AWSPENDING whenever a
        // version holds it.
        let store = InterceptingSecretStore(LocalSecretStore(path: directory + "/.qsl/store.json")) { base, selectors throws(StoreError) in
            var result = try await base.getSecrets(selectors)
            for selector in selectors where selector.isCurrent {
                let pending = SecretVersionSelector(secretId: selector.secretId, versionStage: "AWSPENDING")
                if let secret = try? await base.getSecret(pending) { result.secrets[selector] = secret }
            }
            return result
        }
        var options = Self.options
        options.rotations = 12
        // Abandoned versions held long, and frequent periodic reloads, so reloads land while one
        // is staged.
        options.pendingHold = .milliseconds(400)
        options.policy = RefreshPolicy(interval: .milliseconds(20), minimumForcedInterval: .milliseconds(100))
        let report = try await RefreshSoak.run(store: store, directory: directory + "/service", options: options)
        #expect(!report.neverCurrentSeen.isEmpty, "abandoned versions were served and must be reported: \(report)")
        #expect(!report.holds)
    }
}
