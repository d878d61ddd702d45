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

    // MARK: moto with IAM

    /// What migrate needs, and nothing more. Gaps of moto (5.x, with `moto_resource_policies.py`)
    /// this works around, each named:
    /// - CreateSecret is evaluated against "*" (the launcher lists it among SECRET_WIDE_ACTIONS),
    ///   while AWS authorises it against the new secret's ARN; so CreateSecret is granted on "*"
    ///   here, which AWS would narrow to `qsl/production/*`.
    /// - CreateSecret with Tags needs secretsmanager:TagResource on AWS; moto does not check it.
    ///   It is granted anyway (on the prefix) so that the policy is what AWS needs.
    /// - A KmsKeyId (alias/qsl-production) needs kms:GenerateDataKey/Decrypt on AWS; moto checks no
    ///   KMS permission through Secrets Manager, so the policy does not show them.
    static func migratePolicy(create: Bool) -> String {
        let prefix = "arn:aws:secretsmanager:*:*:secret:qsl/production/*"
        let wide = ["secretsmanager:BatchGetSecretValue", "secretsmanager:ListSecrets"] + (create ? ["secretsmanager:CreateSecret"] : [])
        let scoped = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:TagResource"]
        let quoted = { (actions: [String]) in actions.map { "\"\($0)\"" }.joined(separator: ",") }
        return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["# + quoted(wide) + #"],"Resource":"*"},{"Effect":"Allow","Action":["#
            + quoted(scoped) + #"],"Resource":""# + prefix + #""}]}"#
    }

    static func aws(_ arguments: [String], moto: MotoServer, user: MotoUser) throws -> ChildProcess.Result {
        let environment = moto.environment([
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": user.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": user.secretAccessKey.unsafeRevealed, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
        ])
        return try ChildProcess.run(program: "aws", arguments + ["--endpoint-url", moto.endpointURL, "--output", "json"], environment: environment)
    }

    static func json(_ result: ChildProcess.Result) throws -> [String: Any] {
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw CLIFailure("aws failed (\(result.status)): \(result.stderr)")
        }
        return object
    }

    @Test("with moto's signature and IAM checks on, a user allowed only what migrate needs migrates userservice; the AWS CLI reads back values, tags and one version each; without CreateSecret: exit 3, no file changed")
    func leastPrivilegeOnMoto() async throws {
        // What the store must end up holding: an uninterrupted run against a local store.
        let reference = try Self.copyTree()
        #expect(try Self.migrate(reference).status == 0)
        let expected = try await Self.secrets(LocalSecretStore(path: Self.localStore(reference)))

        // Three unauthenticated calls create the administrator; everything after is signed and checked.
        let moto = try await MotoServer.start(initialNoAuthActionCount: 3, resourceLevelPolicies: true)
        defer { moto.stop() }
        let admin = try await moto.createUser(name: "qsl-admin")
        let migrator = try await moto.createUser(name: "qsl-migrator", managedPolicy: Self.migratePolicy(create: true), signedBy: admin)
        let readOnly = try await moto.createUser(name: "qsl-no-create", managedPolicy: Self.migratePolicy(create: false), signedBy: admin)
        func run(_ root: URL, as user: MotoUser) throws -> CLIRunner.Result {
            try CLIRunner.run(
                ["migrate", "--root", root.path, "--from", "smoke", "--to", "production"] + Self.services + ["--store", "aws", "--endpoint-url", moto.endpointURL],
                environment: CLIRunner.environment([
                    "AWS_ACCESS_KEY_ID": user.accessKeyId, "AWS_SECRET_ACCESS_KEY": user.secretAccessKey.unsafeRevealed, "AWS_REGION": "us-east-1",
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/qsl-cli-test/config",
                    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-cli-test/credentials", "AWS_MAX_ATTEMPTS": "1",
                ]))
        }

        // Without CreateSecret: denied at the first write, a store failure, and no file touched.
        let denied = try Self.copyTree()
        let deniedBefore = try Self.files(denied)
        let refused = try run(denied, as: readOnly)
        #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("AccessDenied"), "\(refused.stderr)")
        #expect(try Self.files(denied) == deniedBefore, "no file rewritten")
        let listed = try Self.json(try Self.aws(["secretsmanager", "list-secrets"], moto: moto, user: admin))
        #expect((listed["SecretList"] as? [Any])?.isEmpty == true, "nothing written: \(listed)")

        // With it: the migration, then read back by an independent client.
        let root = try Self.copyTree()
        let migrated = try run(root, as: migrator)
        #expect(migrated.status == 0, "\(migrated.stdout)\(migrated.stderr)")
        #expect(try Self.files(root) == (try Self.files(reference)), "the same rewrite as against the local store")
        let all = try Self.json(try Self.aws(["secretsmanager", "list-secrets"], moto: moto, user: admin))
        let names = Set(((all["SecretList"] as? [[String: Any]]) ?? []).compactMap { $0["Name"] as? String })
        #expect(names == Set(expected.keys))
        for (name, state) in expected {
            let value = try Self.json(try Self.aws(["secretsmanager", "get-secret-value", "--secret-id", name], moto: moto, user: admin))
            #expect(value["SecretString"] as? String == state.value, "\(name)")
            let description = try Self.json(try Self.aws(["secretsmanager", "describe-secret", "--secret-id", name], moto: moto, user: admin))
            let tags = Dictionary(((description["Tags"] as? [[String: String]]) ?? []).compactMap { tag in tag["Key"].map { ($0, tag["Value"] ?? "") } }) { a, _ in a }
            #expect(["postgres", "redis", "generated", "external"].contains(tags["qsl:kind"] ?? ""), "\(name): \(tags)")
            #expect(tags["qsl:migrated-from"] == "smoke", "\(name): \(tags)")
            #expect(tags["qsl:services"]?.contains("userservice") == true, "\(name): \(tags)")
            #expect(description["KmsKeyId"] as? String == "alias/qsl-production", "\(name): \(description)")
            let versions = try Self.json(try Self.aws(["secretsmanager", "list-secret-version-ids", "--secret-id", name], moto: moto, user: admin))
            #expect((versions["Versions"] as? [Any])?.count == 1, "\(name): \(versions)")
        }
        // Running again as the migrator: nothing to do.
        let again = try run(root, as: migrator)
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")
    }
}
