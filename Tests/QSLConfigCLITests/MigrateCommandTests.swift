import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
import QSLConfigTesting
import Testing

/// `qsl-config migrate` run as a process: killed after every durable step and resumed, and
/// against moto with IAM enforcing a least-privilege policy.
@Suite("migrate (CLI)", .serialized)
struct MigrateCommandTests {
    /// A fresh copy of the repository's demo platform (`environments/`, `platform/`, `schemas/`).
    static func copyTree() throws -> URL {
        let root = try CLIRunner.temporaryDirectory()
        for folder in ["environments", "platform", "schemas"] {
            try FileManager.default.copyItem(at: CLIRunner.repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        return root
    }

    /// userservice alone: a shared AppHost folder (base, Smoke and Production overlays, with
    /// comments), the service's own file, two values moved aside for a service's different
    /// value (`/shared`), JSON and whole secrets: 8 secrets, 4 files, 31 steps.
    static let services = ["--service", "userservice"]

    static func localStore(_ root: URL) -> String { root.appendingPathComponent(".qsl/prod.json").path }

    static func migrate(_ root: URL, _ extra: [String] = [], environment: [String: String] = [:]) throws -> CLIRunner.Result {
        try CLIRunner.run(
            ["migrate", "--root", root.path, "--from", "smoke", "--to", "production"] + services + ["--store", "local", "--local-store", localStore(root)] + extra,
            environment: CLIRunner.environment(environment))
    }

    /// Every file under the root but `.qsl/` (journal and store), by relative path.
    static func files(_ root: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)!
        while let relative = enumerator.nextObject() as? String {
            if relative == ".qsl" || relative.hasPrefix(".qsl/") { continue }
            var isDirectory: ObjCBool = false
            let path = root.appendingPathComponent(relative).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return result
    }

    /// Every secret: name → AWSCURRENT value and how many versions it has.
    struct SecretState: Equatable, CustomStringConvertible {
        var value: String
        var versions: Int
        var description: String { "\(versions) version(s)" }
    }

    static func secrets(_ store: any SecretStore) async throws -> [String: SecretState] {
        var result: [String: SecretState] = [:]
        for description in try await store.listSecrets(prefix: nil) {
            let secret = try await store.getSecret(SecretVersionSelector(secretId: description.name))
            guard case .string(let value) = secret.payload else { throw CLIFailure("\(description.name) is binary") }
            result[description.name] = SecretState(value: value.unsafeRevealed, versions: try await store.listSecretVersions(description.name).count)
        }
        return result
    }

    struct CLIFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Names of the files whose bytes differ (or exist on one side only), for readable failures.
    static func differences(_ a: [String: Data], _ b: [String: Data]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    @Test("killed after every durable step and resumed, migrate ends where an uninterrupted run does: same files, same secrets, one version each; rollback then restores every byte")
    func killLoop() async throws {
        let original = try Self.files(try Self.copyTree())

        // The uninterrupted run.
        let a = try Self.copyTree()
        let first = try Self.migrate(a)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let endFiles = try Self.files(a)
        let endSecrets = try await Self.secrets(LocalSecretStore(path: Self.localStore(a)))
        let rewritten = Self.differences(original, endFiles)
        #expect(endSecrets.count == 8, "\(endSecrets.keys.sorted())")
        #expect(rewritten.count == 4, "\(rewritten)")
        #expect(endSecrets.values.allSatisfy { $0.versions == 1 })
        let again = try Self.migrate(a)
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")

        var killed = 0
        for step in 1...200 {
            let b = try Self.copyTree()
            let interrupted = try Self.migrate(b, environment: ["QSL_FAULT_KILL_AFTER_STEP": "\(step)"])
            if interrupted.signal == nil {
                // Fewer steps than the limit: the run finished on its own.
                #expect(interrupted.status == 0, "step \(step): \(interrupted.stdout)\(interrupted.stderr)")
                break
            }
            #expect(interrupted.signal == SIGKILL, "step \(step)")
            killed = step
            let resumed = try Self.migrate(b)
            #expect(resumed.status == 0, "step \(step): the resumed run failed: \(resumed.stdout)\(resumed.stderr)")
            let files = try Self.files(b)
            #expect(Self.differences(endFiles, files).isEmpty, "step \(step): files differ from the uninterrupted run: \(Self.differences(endFiles, files))")
            #expect(!files.keys.contains { $0.contains(".tmp-") }, "step \(step): temporary files left: \(files.keys.filter { $0.contains(".tmp-") })")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: b.appendingPathComponent(".qsl").path).filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty, "step \(step): \(leftovers)")
            let store = LocalSecretStore(path: Self.localStore(b))
            let secrets = try await Self.secrets(store)
            #expect(Set(secrets.keys) == Set(endSecrets.keys), "step \(step): \(secrets.keys.sorted())")
            for (name, state) in endSecrets {
                #expect(secrets[name]?.value == state.value, "step \(step): \(name) holds another value")
                #expect(secrets[name]?.versions == 1, "step \(step): \(name) has \(secrets[name]?.versions ?? 0) versions")
            }
            // Rollback after the completed resume: the original bytes, every file. (The journal
            // names files by absolute path, so the tree that was migrated is the one rolled back.)
            let rollback = try Self.migrate(b, ["--rollback"])
            #expect(rollback.status == 0, "step \(step): \(rollback.stdout)\(rollback.stderr)")
            let restored = try Self.files(b)
            #expect(Self.differences(original, restored).isEmpty, "step \(step): rollback left \(Self.differences(original, restored)) different")
            #expect(try await Self.secrets(store) == secrets, "step \(step): rollback leaves the store as it is")
        }
        // Each secret is written and journaled, each file journaled, written and journaled.
        #expect(killed >= endSecrets.count + 2 * rewritten.count, "the loop killed the run at \(killed) steps only")
    }
}
