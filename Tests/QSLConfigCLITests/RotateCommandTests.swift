import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore
@testable import QSLConfigOperations
import QSLConfigRedis
import QSLConfigResources
import QSLConfigTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `qsl-config rotate` and `rollback` run as processes: a generated secret and an IAM access key
/// on moto (read back with the AWS CLI), killed after every step that changes something and
/// finished by the next `rotate --due`, a parameter rolled back, and two rotations of one secret
/// at once.
///
/// moto gaps met here (moto 5.x), each worked around and named where it matters:
/// - IAM actions are authorised against `*` (only Secrets Manager and SSM get resource ARNs, from
///   `moto_resource_policies.py`), so the rotator's IAM statement names `*` where AWS would name
///   `arn:aws:iam::123456789012:user/qsl-ci*`.
/// - An `Inactive` key still signs in moto (AWS answers `InvalidClientTokenId`), so "the old key
///   stops working" is proven by the status IAM reports, not by a failed call.
/// - moto does not always enforce `RemoveFromVersionId` as a compare-and-set, and moving
///   `AWSCURRENT` with `UpdateSecretVersionStage` leaves moto's default version behind, so
///   `GetSecretValue` without a stage and `BatchGetSecretValue` return the version a label has
///   left: the concurrency test runs on the local store, and the checks here read versions with
///   `ListSecretVersionIds` and `GetSecretValue --version-stage`, never without a stage.
@Suite("rotate and rollback (CLI)", .serialized)
struct RotateCommandTests {
    static let secret = "qsl/prod/jwt"

    // MARK: Fixture

    /// A platform root with a `prod` environment on `store` ("local" or "aws"): generated
    /// secrets every 30 days, IAM keys every 90 with a grace period of `iamWindowHours`.
    static func writePlatform(_ w: StoreWorkspace, iamWindowHours: Int = 0, aws: Bool? = nil) throws {
        try w.write(#"{"services": []}"#, to: "environments/services.json")
        let store = !(aws ?? (w.kind == .aws)) ? #"{"kind": "local", "path": ".qsl/local-store.json"}"# : #"{"kind": "aws"}"#
        try w.write(
            #"""
            {"name": "prod", "aspnetEnvironment": "Production", "region": "us-east-1", "account": "123456789012", "secretsPrefix": "qsl/prod/",
             "parameterPrefix": "/qsl/prod/config/", "store": \#(store),
             "rotation": {"generated": {"intervalDays": 30, "windowHours": 4, "length": 40},
                          "iam-access-key": {"intervalDays": 90, "windowHours": \#(iamWindowHours)}}}
            """#, to: "environments/prod.json")
    }

    static let rotate = ["rotate", "--root", ".", "--environment", "prod"]
    static let rollback = ["rollback", "--root", ".", "--environment", "prod"]

    static func create(_ store: any SecretStore, _ name: String, _ value: String, tags: [String: String]) async throws {
        _ = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue(value)), tags: tags, clientRequestToken: UUID().uuidString))
    }

    static func value(_ store: any SecretStore, _ name: String, stage: String = "AWSCURRENT") async throws -> String {
        guard case .string(let value) = try await store.getSecret(SecretVersionSelector(secretId: name, versionStage: stage)).payload else { return "" }
        return value.unsafeRevealed
    }

    static func labels(_ versions: [SecretVersionInfo]) -> [String] { versions.flatMap(\.stages).sorted() }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The AWS CLI against moto, as the key pair given.
    static func aws(_ arguments: [String], moto: MotoServer, accessKeyId: String, secretAccessKey: String) throws -> [String: Any] {
        let environment = moto.environment([
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": accessKeyId,
            "AWS_SECRET_ACCESS_KEY": secretAccessKey, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
        ])
        let result = try ChildProcess.run(program: "aws", arguments + ["--endpoint-url", moto.endpointURL, "--output", "json"], environment: environment)
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw Failure("aws \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return object
    }

    /// `aws secretsmanager list-secret-version-ids`: version id → its labels (versions with none
    /// included).
    static func awsVersions(_ name: String, moto: MotoServer, accessKeyId: String, secretAccessKey: String) throws -> [String: [String]] {
        let listed = try aws(
            ["secretsmanager", "list-secret-version-ids", "--secret-id", name, "--include-deprecated"], moto: moto, accessKeyId: accessKeyId,
            secretAccessKey: secretAccessKey)
        var result: [String: [String]] = [:]
        for version in listed["Versions"] as? [[String: Any]] ?? [] {
            if let id = version["VersionId"] as? String { result[id] = ((version["VersionStages"] as? [String]) ?? []).sorted() }
        }
        return result
    }

    // MARK: 1. A generated secret on moto

    @Test("on moto, rotate makes a new AWSCURRENT and the old one AWSPREVIOUS with no AWSPENDING, as the AWS CLI lists them; rollback goes back, and again forward")
    func generatedOnMoto() async throws {
        let w = try await StoreWorkspace.make(.aws)
        let moto = try #require(w.moto)
        try Self.writePlatform(w)
        let store = try w.store()
        try await Self.create(store, Self.secret, "original-signing-key", tags: ["qsl:kind": "generated"])
        let original = try #require(try Self.awsVersions(Self.secret, moto: moto, accessKeyId: "testing", secretAccessKey: "testing").keys.first)
        func versions() throws -> [String: [String]] { try Self.awsVersions(Self.secret, moto: moto, accessKeyId: "testing", secretAccessKey: "testing") }
        // `--version-stage AWSCURRENT`, named: moto's UpdateSecretVersionStage moves the label but
        // not the secret's default version, so a GetSecretValue naming neither stage nor version
        // keeps returning the version last written as current (AWS resolves AWSCURRENT). The
        // same stale default is why BatchGetSecretValue lags after a label moves.
        func current() throws -> String {
            try Self.aws(["secretsmanager", "get-secret-value", "--secret-id", Self.secret, "--version-stage", "AWSCURRENT"], moto: moto, accessKeyId: "testing", secretAccessKey: "testing")[
                "SecretString"] as? String ?? ""
        }

        let rotated = try w.run(Self.rotate + ["--secret", Self.secret])
        #expect(rotated.status == 0, "\(rotated.stdout)\(rotated.stderr)")
        #expect(rotated.stdout.contains("1 rotated"), "\(rotated.stdout)")
        let after = try versions()
        let new = try #require(after.first { $0.value == ["AWSCURRENT"] }?.key, "\(after)")
        #expect(after == [original: ["AWSPREVIOUS"], new: ["AWSCURRENT"]], "no AWSPENDING left: \(after)")
        #expect(rotated.stdout.contains(new), "the report names the new version")
        let newValue = try current()
        #expect(newValue != "original-signing-key" && newValue.count == 40)
        #expect(!rotated.stdout.contains(newValue) && !rotated.stderr.contains(newValue))

        let back = try w.run(Self.rollback + ["--secret", Self.secret])
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(back.stdout.contains("AWSCURRENT is version \(original) again (was \(new), now AWSPREVIOUS)"), "\(back.stdout)")
        #expect(try versions() == [original: ["AWSCURRENT"], new: ["AWSPREVIOUS"]])
        #expect(try current() == "original-signing-key")

        let forward = try w.run(Self.rollback + ["--secret", Self.secret])
        #expect(forward.status == 0, "\(forward.stdout)\(forward.stderr)")
        #expect(try versions() == [original: ["AWSPREVIOUS"], new: ["AWSCURRENT"]])
        #expect(try current() == newValue)
    }

    // MARK: 2. An IAM access key on moto

    /// moto with signatures and IAM policy enforced after three unauthenticated calls (the
    /// administrator), a rotator allowed what rotating IAM keys needs, and the tool run as it.
    struct IAMFixture {
        let w: StoreWorkspace
        let moto: MotoServer
        let admin: MotoUser
        let rotator: MotoUser
        let adminStore: any SecretStore
        let iam: IAMClient

        /// What `rotate` and `rollback` of an IAM key secret need, nothing more (IAM on `*`: a
        /// moto gap, see the suite).
        static let rotatorPolicy: String = {
            let secrets = "arn:aws:secretsmanager:*:*:secret:qsl/prod/*"
            let scoped = [
                "GetSecretValue", "PutSecretValue", "DescribeSecret", "TagResource", "UpdateSecretVersionStage", "ListSecretVersionIds",
            ].map { "\"secretsmanager:\($0)\"" }.joined(separator: ",")
            let iam = ["ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"].map { "\"iam:\($0)\"" }.joined(separator: ",")
            return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:ListSecrets"],"Resource":"*"},"#
                + #"{"Effect":"Allow","Action":["# + scoped + #"],"Resource":""# + secrets + #""},"#
                + #"{"Effect":"Allow","Action":["# + iam + #"],"Resource":"*"}]}"#
        }()

        /// A user whose keys are rotated: allowed nothing (GetCallerIdentity needs no permission).
        static let nothingPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#

        static func make(iamWindowHours: Int = 0) async throws -> IAMFixture {
            let moto = try await MotoServer.start(initialNoAuthActionCount: 3, resourceLevelPolicies: true)
            let admin = try await moto.createUser(name: "qsl-admin")
            let rotator = try await moto.createUser(name: "qsl-rotator", managedPolicy: rotatorPolicy, signedBy: admin)
            let w = try await StoreWorkspace.make(.local)  // only for its folder; the store is moto
            try RotateCommandTests.writePlatform(w, iamWindowHours: iamWindowHours, aws: true)
            let context = try AWSContext(credentials: admin.credentials(), environment: moto.environment())
            return IAMFixture(w: w, moto: moto, admin: admin, rotator: rotator, adminStore: AWSSecretStore(context: context), iam: IAMClient(context: context))
        }

        /// A user with one key, recorded in the secret `name` tagged for rotation.
        func user(_ user: String, secret name: String) async throws -> MotoUser {
            let created = try await moto.createUser(name: user, policy: Self.nothingPolicy, signedBy: admin)
            try await RotateCommandTests.create(
                adminStore, name, Self.json(created.accessKeyId, created.secretAccessKey.unsafeRevealed),
                tags: ["qsl:kind": "iam-access-key", "qsl:iam-user": user])
            return created
        }

        static func json(_ id: String, _ secret: String) -> String {
            #"{"AccessKeyId":"\#(id)","SecretAccessKey":"\#(secret)"}"#
        }

        /// Runs qsl-config as the rotator against moto.
        func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIRunner.Result {
            var environment = CLIRunner.environment([
                "AWS_ACCESS_KEY_ID": rotator.accessKeyId, "AWS_SECRET_ACCESS_KEY": rotator.secretAccessKey.unsafeRevealed, "AWS_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/qsl-cli-test/config",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/qsl-cli-test/credentials", "AWS_MAX_ATTEMPTS": "1",
            ])
            environment.merge(extra) { $1 }
            return try CLIRunner.run(arguments + ["--store", "aws", "--endpoint-url", moto.endpointURL], environment: environment, directory: w.root)
        }

        /// The user's keys: id → active.
        func keys(_ user: String) async throws -> [String: Bool] {
            Dictionary(uniqueKeysWithValues: try await iam.listAllAccessKeys(userName: user).map { ($0.accessKeyId, $0.status == "Active") })
        }

        /// The key id and secret a label holds.
        func key(_ name: String, stage: String = "AWSCURRENT") async throws -> (id: String, secret: String) {
            let object = try JSONSerialization.jsonObject(with: Data(try await RotateCommandTests.value(adminStore, name, stage: stage).utf8)) as? [String: Any]
            return (object?["AccessKeyId"] as? String ?? "", object?["SecretAccessKey"] as? String ?? "")
        }

        func versions(_ name: String) throws -> [String: [String]] {
            try RotateCommandTests.awsVersions(name, moto: moto, accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey.unsafeRevealed)
        }

        /// `aws sts get-caller-identity` signed with the key.
        func callerArn(_ key: (id: String, secret: String)) throws -> String {
            try RotateCommandTests.aws(["sts", "get-caller-identity"], moto: moto, accessKeyId: key.id, secretAccessKey: key.secret)["Arn"] as? String ?? ""
        }

        /// Exactly one of the user's keys is active, and it is the one AWSCURRENT holds.
        func oneActiveKeyIsCurrent(_ user: String, secret name: String) async throws -> Bool {
            let keys = try await keys(user)
            return keys.filter(\.value).map(\.key) == [try await key(name).id]
        }
    }

    @Test("an IAM key on moto: rotate makes a working K2 AWSCURRENT and leaves K1 inactive; the next rotate deletes K1 for room; rollback reactivates the previous key; --finalize deletes inactive keys after the grace period; two unrecorded active keys are refused with nothing staged")
    func iamKeyOnMoto() async throws {
        let f = try await IAMFixture.make(iamWindowHours: 4)
        defer { f.moto.stop() }
        let name = "qsl/prod/ci/aws-key"
        let ci = try await f.user("qsl-ci", secret: name)
        let k1 = ci.accessKeyId
        #expect(try f.callerArn((k1, ci.secretAccessKey.unsafeRevealed)) == ci.arn)

        // rotate: K2 current and working, K1 inactive but kept, one active key.
        let first = try f.run(Self.rotate + ["--secret", name])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let k2 = try await f.key(name)
        #expect(k2.id != k1 && !k2.id.isEmpty)
        #expect(try await f.key(name, stage: "AWSPREVIOUS").id == k1)
        #expect(try f.callerArn(k2) == ci.arn, "K2 signs as the user")
        #expect(try await f.keys("qsl-ci") == [k1: false, k2.id: true])
        #expect(try await f.oneActiveKeyIsCurrent("qsl-ci", secret: name))
        #expect(Self.labels(try await f.adminStore.listSecretVersions(name)) == ["AWSCURRENT", "AWSPREVIOUS"])
        #expect(try f.versions(name).count == 2)
        #expect(try await f.adminStore.describeSecret(name).tags["qsl:rotation-snapshot"] == "", "no rotation left in progress")
        #expect(!first.stdout.contains(k2.secret) && !first.stderr.contains(k2.secret))

        // rotate again: K1, inactive and two keys held, is deleted to make room for K3.
        let second = try f.run(Self.rotate + ["--secret", name])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let k3 = try await f.key(name)
        #expect(try await f.keys("qsl-ci") == [k2.id: false, k3.id: true], "K1 deleted, K2 deactivated")
        #expect(try f.callerArn(k3) == ci.arn)
        #expect(try await f.oneActiveKeyIsCurrent("qsl-ci", secret: name))

        // rollback: K2 reactivated and AWSCURRENT again, K3 deactivated.
        let back = try f.run(Self.rollback + ["--secret", name])
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(try await f.key(name).id == k2.id)
        #expect(try await f.key(name, stage: "AWSPREVIOUS").id == k3.id)
        #expect(try await f.keys("qsl-ci") == [k2.id: true, k3.id: false])
        #expect(try await f.oneActiveKeyIsCurrent("qsl-ci", secret: name))

        // --finalize within the grace period (4 hours): nothing goes. Past it (0): the inactive
        // key goes, the active current one stays.
        let early = try f.run(Self.rotate + ["--secret", name, "--finalize"])
        #expect(early.status == 0 && early.stdout.contains("no inactive key past the grace period"), "\(early.stdout)\(early.stderr)")
        #expect(try await f.keys("qsl-ci").count == 2)
        try Self.writePlatform(f.w, iamWindowHours: 0, aws: true)
        // A dry run past the grace period names the key it would delete, and deletes nothing.
        let dry = try f.run(Self.rotate + ["--secret", name, "--finalize", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("would delete inactive keys \(k3.id)") && dry.stdout.contains("would-finalize"), "\(dry.stdout)\(dry.stderr)")
        #expect(try await f.keys("qsl-ci") == [k2.id: true, k3.id: false], "a dry run deletes no key")
        let late = try f.run(Self.rotate + ["--secret", name, "--finalize"])
        #expect(late.status == 0 && late.stdout.contains("deleted inactive keys \(k3.id)"), "\(late.stdout)\(late.stderr)")
        #expect(try await f.keys("qsl-ci") == [k2.id: true])

        // Two active keys the secret does not record: refused (exit 1: a person must decide which
        // key is unused; AWS did not fail), naming both, with nothing staged or changed.
        let other = "qsl/prod/ci2/aws-key"
        let ci2 = try await f.user("qsl-ci2", secret: other)
        let a = try await f.iam.createAccessKey(userName: "qsl-ci2")
        try await f.iam.deleteAccessKey(userName: "qsl-ci2", accessKeyId: ci2.accessKeyId)
        let b = try await f.iam.createAccessKey(userName: "qsl-ci2")
        let keysBefore = try await f.keys("qsl-ci2")
        let versionsBefore = try f.versions(other)
        let refused = try f.run(Self.rotate + ["--secret", other])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.contains("neither is recorded in the secret and both are active"), "\(refused.stdout)")
        #expect(refused.stdout.contains(a.accessKeyId) && refused.stdout.contains(b.accessKeyId))
        #expect(try await f.keys("qsl-ci2") == keysBefore)
        #expect(try f.versions(other) == versionsBefore, "nothing staged")
    }

    // MARK: 3. Killed after every step

    /// Kills `rotate --secret` after step N = 1, 2, ... (until a run finishes unkilled), then runs
    /// `rotate --due`, what a scheduler runs: the interrupted rotation must be finished though
    /// nothing is due by the schedule, and `check` must hold.
    static func killLoop(
        fresh: (Int) async throws -> (run: ([String], [String: String]) throws -> CLIRunner.Result, check: (Int) async throws -> Void)
    ) async throws -> Int {
        var killed = 0
        for step in 1...40 {
            let (run, check) = try await fresh(step)
            let interrupted = try run(["--secret"], ["QSL_FAULT_KILL_AFTER_STEP": "\(step)"])
            if interrupted.signal == nil {
                #expect(interrupted.status == 0, "step \(step): \(interrupted.stdout)\(interrupted.stderr)")
                try await check(step)
                break
            }
            #expect(interrupted.signal == SIGKILL, "step \(step): \(interrupted.stdout)\(interrupted.stderr)")
            killed = step
            let resumed = try run(["--due"], [:])
            #expect(resumed.status == 0, "step \(step): \(resumed.stdout)\(resumed.stderr)")
            try await check(step)
            // And the next scheduled run has nothing to do.
            let again = try run(["--due"], [:])
            #expect(again.status == 0 && again.stdout.contains("1 not-due"), "step \(step): \(again.stdout)\(again.stderr)")
            try await check(step)
        }
        return killed
    }

    @Test("a generated secret killed after each step of rotate is finished by the next rotate --due: a new AWSCURRENT, one version made, no AWSPENDING")
    func killLoopGenerated() async throws {
        let killed = try await Self.killLoop { step in
            let w = try await StoreWorkspace.make(.local)
            try Self.writePlatform(w)
            let store = try w.store()
            try await Self.create(store, Self.secret, "original-value", tags: ["qsl:kind": "generated"])
            let run = { (mode: [String], environment: [String: String]) throws -> CLIRunner.Result in
                try w.run(Self.rotate + (mode == ["--secret"] ? ["--secret", Self.secret] : mode), environment: environment)
            }
            let check = { (step: Int) async throws in
                let versions = try await store.listSecretVersions(Self.secret)
                #expect(versions.count == 2, "step \(step): one version made by the rotation: \(versions.count)")
                #expect(Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"], "step \(step): \(Self.labels(versions))")
                #expect(try await Self.value(store, Self.secret) != "original-value", "step \(step)")
                #expect(try await Self.value(store, Self.secret, stage: "AWSPREVIOUS") == "original-value", "step \(step)")
            }
            return (run, check)
        }
        // Staged, set, AWSCURRENT moved, AWSPENDING removed.
        #expect(killed == 4, "killed after \(killed) steps")
    }

    @Test("an IAM key on moto killed after each step of rotate is finished by the next rotate --due: one active key, AWSCURRENT's, and new; one version made")
    func killLoopIAM() async throws {
        let f = try await IAMFixture.make()
        defer { f.moto.stop() }
        let killed = try await Self.killLoop { step in
            let name = "qsl/prod/kill\(step)/aws-key"
            let user = try await f.user("qsl-kill-\(step)", secret: name)
            let run = { (mode: [String], environment: [String: String]) throws -> CLIRunner.Result in
                try f.run(Self.rotate + (mode == ["--secret"] ? ["--secret", name] : ["--secret", name] + mode), environment: environment)
            }
            let check = { (step: Int) async throws in
                let versions = try await f.adminStore.listSecretVersions(name)
                #expect(versions.count == 2, "step \(step): \(versions.count) versions")
                #expect(Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"], "step \(step): \(Self.labels(versions))")
                let current = try await f.key(name)
                #expect(current.id != user.accessKeyId, "step \(step): AWSCURRENT holds a new key")
                let keys = try await f.keys(user.name)
                #expect(try await f.oneActiveKeyIsCurrent(user.name, secret: name), "step \(step): \(keys)")
                #expect(try await f.keys(user.name)[user.accessKeyId] == false, "step \(step): the old key is kept, inactive")
                #expect(try f.callerArn(current) == user.arn, "step \(step)")
                #expect(try await f.adminStore.describeSecret(name).tags["qsl:rotation-snapshot"] == "", "step \(step)")
            }
            return (run, check)
        }
        // Snapshot tagged, key created, staged, set, AWSCURRENT moved, old key deactivated,
        // snapshot cleared, AWSPENDING removed.
        #expect(killed == 8, "killed after \(killed) steps")
    }

    @Test("an IAM key rotation killed after AWSCURRENT moved, then rolled back: the snapshot tag is cleared, and the next rotate --due leaves the restored key current")
    func rollbackOfInterruptedIAMRotation() async throws {
        let f = try await IAMFixture.make()
        defer { f.moto.stop() }
        let name = "qsl/prod/iamrb/aws-key"
        let user = try await f.user("qsl-iamrb", secret: name)
        // Step 5: AWSCURRENT moved to the new key, the snapshot still set.
        let killed = try f.run(Self.rotate + ["--secret", name], environment: ["QSL_FAULT_KILL_AFTER_STEP": "5"])
        #expect(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
        #expect(try await f.adminStore.describeSecret(name).tags["qsl:rotation-snapshot"]?.isEmpty == false)

        let back = try f.run(Self.rollback + ["--secret", name])
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(try await f.key(name).id == user.accessKeyId, "the first key is AWSCURRENT again")
        #expect(try await f.adminStore.describeSecret(name).tags["qsl:rotation-snapshot"] == "", "the rotation it belonged to is undone")

        let check = try f.run(Self.rotate + ["--secret", name, "--check"])
        #expect(check.status == 0 && !check.stdout.contains("interrupted"), "\(check.stdout)\(check.stderr)")
        let due = try f.run(Self.rotate + ["--secret", name, "--due"])
        #expect(due.status == 0 && due.stdout.contains("1 not-due"), "\(due.stdout)\(due.stderr)")
        #expect(try await f.key(name).id == user.accessKeyId, "still the restored key")
        #expect(try await f.oneActiveKeyIsCurrent(user.name, secret: name))
    }

    // MARK: 4. Parameter rollback

    @Test("rollback --parameter writes the previous value as a new version and says which versions it moved between")
    func parameterRollback() async throws {
        let w = try await StoreWorkspace.make(.local)
        try Self.writePlatform(w)
        let store = try w.store()
        let name = "/qsl/prod/config/api/url"
        try await store.putParameter(name, value: "https://one.example", secure: false)
        try await store.putParameter(name, value: "https://two.example", secure: false)
        func current() async throws -> StoredParameter? { try await store.getParameters([ParameterReference(name: name)]).parameters[ParameterReference(name: name)] }

        let back = try w.run(Self.rollback + ["--parameter", name])
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(back.stdout.contains("rolled back \(name): version 3 holds version 1's value (was version 2)"), "\(back.stdout)")
        let restored = try #require(try await current())
        #expect(restored.version == 3 && restored.value.unsafeRevealed == "https://one.example")

        let forward = try w.run(Self.rollback + ["--parameter", name])
        #expect(forward.stdout.contains("version 4 holds version 2's value (was version 3)"), "\(forward.stdout)\(forward.stderr)")
        #expect(try await current()?.value.unsafeRevealed == "https://two.example")
    }

    // MARK: 5. Two rotations at once

    /// A process started and not waited for; its output goes to files.
    final class Started {
        let process = Process()
        let out: URL
        let err: URL

        init(_ arguments: [String], environment: [String: String], directory: URL) throws {
            out = directory.appendingPathComponent(".out-\(UUID().uuidString)")
            err = directory.appendingPathComponent(".err-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.executableURL = CLIRunner.executable
            process.arguments = arguments
            process.environment = environment
            process.currentDirectoryURL = directory
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        func wait() -> (status: Int32, stdout: String) {
            process.waitUntilExit()
            return (process.terminationStatus, ((try? String(contentsOf: out, encoding: .utf8)) ?? "") + ((try? String(contentsOf: err, encoding: .utf8)) ?? ""))
        }
    }

    /// How many processes wait for the flock on the file with this inode (`/proc/locks` lists
    /// waiters with `->`).
    static func lockWaiters(inode: UInt64) throws -> Int {
        let locks = try String(contentsOfFile: "/proc/locks", encoding: .utf8)
        return locks.split(separator: "\n").filter { $0.contains("->") && $0.contains(":\(inode) ") }.count
    }

    @Test("two rotate processes on one secret, both started before either finishes: exactly one new AWSCURRENT, the other superseded, no stray label")
    func concurrentProcesses() async throws {
        let w = try await StoreWorkspace.make(.local)
        try Self.writePlatform(w)
        let store = try w.store()
        try await Self.create(store, Self.secret, "v1", tags: ["qsl:kind": "generated"])

        // Hold the secret's rotation lock (the one both runs take after planning) until both
        // processes wait for it: then both have read the same AWSCURRENT and neither has finished.
        let lockPath = w.root.appendingPathComponent(".qsl/" + SecretLock.fileName(secret: Self.secret)).path
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        #expect(flock(fd, LOCK_EX) == 0)
        var status = stat()
        #expect(fstat(fd, &status) == 0)
        let environment = w.environment
        let arguments = Self.rotate + ["--secret", Self.secret] + w.storeArguments
        let a = try Started(arguments, environment: environment, directory: w.root)
        let b = try Started(arguments, environment: environment, directory: w.root)
        // Ends: both wait (the gate), or one exited without waiting (a failure below).
        while try Self.lockWaiters(inode: UInt64(status.st_ino)) < 2 && a.process.isRunning && b.process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(a.process.isRunning && b.process.isRunning, "both runs wait for the lock before either finishes")
        flock(fd, LOCK_UN)
        close(fd)

        let results = [a.wait(), b.wait()]
        #expect(results.allSatisfy { $0.status == 0 }, "\(results)")
        let output = results.map(\.stdout).joined(separator: "\n")
        #expect(output.components(separatedBy: "1 rotated").count == 2 && output.components(separatedBy: "1 superseded").count == 2, "\(output)")
        let versions = try await store.listSecretVersions(Self.secret)
        #expect(versions.count == 2, "exactly one version made: \(versions.count)")
        #expect(Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"])
        #expect(try await Self.value(store, Self.secret, stage: "AWSPREVIOUS") == "v1")
    }
}

// MARK: Rotation at the resource, killed after each step

extension RotateCommandTests {
    /// The private servers `scripts/test.sh` starts, or `nil` outside it.
    static var postgres: (host: String, port: String, admin: String, password: String, cert: String)? {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["QSL_TEST_POSTGRES_HOST"], let port = env["QSL_TEST_POSTGRES_PORT"], let admin = env["QSL_TEST_POSTGRES_USER"],
            let file = env["QSL_TEST_POSTGRES_PASSWORD_FILE"], let cert = env["QSL_TEST_POSTGRES_ROOT_CERT"],
            let password = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        else { return nil }
        return (host, port, admin, password, cert)
    }

    static func pgString(user: String, password: String) -> String {
        let s = postgres!
        return "Host=\(s.host);Port=\(s.port);Database=postgres;Username=\(user);Password=\(password);SSL Mode=VerifyFull;Root Certificate=\(s.cert);Timeout=10"
    }

    static func pgLogsIn(_ text: String) async -> Bool {
        guard let connection = try? await PostgresConnection.connect(text) else { return false }
        defer { Task { await connection.close() } }
        return (try? await connection.query("SELECT 1").first?.first) == "1"
    }

    @Test(
        "a PostgreSQL password killed after each step of rotate is finished by the next rotate --due: AWSCURRENT works at the server; single-user: the old password no longer, alternating: the old role still",
        .enabled(if: ProcessInfo.processInfo.environment["QSL_TEST_POSTGRES_HOST"] != nil, "no private PostgreSQL (scripts/test.sh starts one)"),
        arguments: ["single-user", "alternating-users"])
    func killLoopPostgres(strategy: String) async throws {
        let server = try #require(Self.postgres)
        let killed = try await Self.killLoop { step in
            let w = try await StoreWorkspace.make(.local)
            try Self.writePlatform(w)
            let store = try w.store()
            let role = "kill_" + UUID().uuidString.prefix(8).lowercased()
            let first = "first-" + UUID().uuidString.prefix(12)
            let admin = try await PostgresConnection.connect(Self.pgString(user: server.admin, password: server.password))
            try await admin.createRole(role, password: first)
            await admin.close()
            try await Self.create(store, "qsl/prod/neon/master", Self.pgString(user: server.admin, password: server.password), tags: [:])
            try await Self.create(
                store, "qsl/prod/neon/app", Self.pgString(user: role, password: first),
                tags: ["qsl:kind": "postgres", "qsl:strategy": strategy, "qsl:master-secret": "qsl/prod/neon/master"])
            let run = { (mode: [String], environment: [String: String]) throws -> CLIRunner.Result in
                try w.run(Self.rotate + ["--secret", "qsl/prod/neon/app"] + (mode == ["--secret"] ? [] : mode), environment: environment)
            }
            let check = { (step: Int) async throws in
                let versions = try await store.listSecretVersions("qsl/prod/neon/app")
                #expect(versions.count == 2 && Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"], "step \(step): \(Self.labels(versions))")
                let current = try await Self.value(store, "qsl/prod/neon/app")
                #expect(await Self.pgLogsIn(current), "step \(step): AWSCURRENT works")
                let old = await Self.pgLogsIn(Self.pgString(user: role, password: first))
                #expect(old == (strategy == "alternating-users"), "step \(step): the old credential \(old ? "still works" : "no longer works")")
            }
            return (run, check)
        }
        #expect(killed >= 3, "killed after \(killed) steps")
    }

    @Test(
        "a Redis password killed after each step of rotate is finished by the next rotate --due: AWSCURRENT works, the old password is removed",
        .enabled(if: ProcessInfo.processInfo.environment["QSL_TEST_REDIS_TLS_PORT"] != nil, "no private Redis (scripts/test.sh starts one)"))
    func killLoopRedis() async throws {
        let env = ProcessInfo.processInfo.environment
        let host = try #require(env["QSL_TEST_REDIS_HOST"]), port = try #require(env["QSL_TEST_REDIS_TLS_PORT"])
        let ca = try #require(env["QSL_TEST_REDIS_CA_FILE"]), name = try #require(env["QSL_TEST_REDIS_SERVER_NAME"])
        let adminUser = try #require(env["QSL_TEST_REDIS_USER"]), adminPassword = try #require(env["QSL_TEST_REDIS_PASSWORD"])
        func string(_ user: String, _ password: String) -> String { "\(host):\(port),user=\(user),password=\(password),ssl=True,sslHost=\(name)" }
        func logsIn(_ text: String) async -> Bool {
            guard let parsed = try? RedisConnectionString(text), let options = try? RedisConnectionOptions(parsed, caFile: ca),
                let connection = try? await RedisConnection.connect(options)
            else { return false }
            defer { Task { await connection.close() } }
            return (try? await connection.auth(user: parsed.user, password: parsed.password ?? "")) != nil
        }
        let killed = try await Self.killLoop { step in
            let w = try await StoreWorkspace.make(.local)
            try Self.writePlatform(w)
            let store = try w.store()
            let user = "kill_" + UUID().uuidString.prefix(8).lowercased()
            let first = "first-" + UUID().uuidString.prefix(12)
            let admin = try await RedisConnection.connect(RedisConnectionOptions(host: host, port: Int(port)!, tls: .init(caFile: ca, serverName: name)))
            try await admin.auth(user: adminUser, password: adminPassword)
            _ = try await admin.command(["ACL", "SETUSER", user, "on", ">" + first, "+ping"], secrets: [first])
            await admin.quit()
            try await Self.create(store, "qsl/prod/redis/admin", string(adminUser, adminPassword), tags: [:])
            try await Self.create(
                store, "qsl/prod/redis/connection", string(user, first),
                tags: ["qsl:kind": "redis", "qsl:master-secret": "qsl/prod/redis/admin", "qsl:ca-file": ca])
            let run = { (mode: [String], environment: [String: String]) throws -> CLIRunner.Result in
                try w.run(Self.rotate + ["--secret", "qsl/prod/redis/connection"] + (mode == ["--secret"] ? [] : mode), environment: environment)
            }
            let check = { (step: Int) async throws in
                let versions = try await store.listSecretVersions("qsl/prod/redis/connection")
                #expect(versions.count == 2 && Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"], "step \(step): \(Self.labels(versions))")
                #expect(await logsIn(try await Self.value(store, "qsl/prod/redis/connection")), "step \(step): AWSCURRENT works")
                #expect(await logsIn(string(user, first)) == false, "step \(step): the old password is removed")
            }
            return (run, check)
        }
        #expect(killed >= 3, "killed after \(killed) steps")
    }
}
