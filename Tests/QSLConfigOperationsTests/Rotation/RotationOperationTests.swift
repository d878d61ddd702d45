import Foundation
import QSLConfig
import QSLConfigCore
@testable import QSLConfigOperations
import QSLConfigTesting
import Testing

/// `rotate` on the embedded store: the staging-label protocol, resuming, schedules, concurrency
/// and rollback of generated secrets.
@Suite("rotation on the local store")
struct RotationOperationTests {
    /// A platform root whose `prod` environment keeps its secrets in a local store under the
    /// root, rotating generated secrets every `interval` days with values of 40 characters.
    struct Fixture {
        var root: String
        var store: LocalSecretStore

        init(interval: Int = 30, enabled: Bool = true) throws {
            root = try PlatformFixtures.temporaryDirectory("rotate")
            try FileManager.default.createDirectory(atPath: root + "/environments", withIntermediateDirectories: true)
            try #"{"services": []}"#.write(toFile: root + "/environments/services.json", atomically: true, encoding: .utf8)
            try Self.environment(interval: interval, enabled: enabled).write(toFile: root + "/environments/prod.json", atomically: true, encoding: .utf8)
            store = LocalSecretStore(path: root + "/.qsl/store.json")
        }

        static func environment(interval: Int, enabled: Bool) -> String {
            #"""
            {"name": "prod", "aspnetEnvironment": "Production", "region": "us-east-1", "secretsPrefix": "qsl/prod/", "parameterPrefix": "/qsl/prod/",
             "store": {"kind": "local", "path": ".qsl/store.json"},
             "rotation": {"generated": {"intervalDays": \#(interval), "windowHours": 4, "length": 40, "enabled": \#(enabled)},
                          "external": {"intervalDays": 90}}}
            """#
        }

        func setInterval(_ days: Int) throws {
            try Self.environment(interval: days, enabled: true).write(toFile: root + "/environments/prod.json", atomically: true, encoding: .utf8)
        }

        func create(_ name: String, _ value: String, kind: String, tags: [String: String] = [:]) async throws {
            _ = try await store.createSecret(
                CreateSecretRequest(name: name, value: .string(SecretValue(value)), tags: tags.merging(["qsl:kind": kind]) { $1 }, clientRequestToken: UUID().uuidString))
        }

        func request(_ configure: (inout RotationRequest) -> Void = { _ in }) -> RotationRequest {
            let store = self.store
            var request = RotationRequest(root: root, environment: "prod") { _ in store }
            configure(&request)
            return request
        }

        func value(_ name: String, stage: String = "AWSCURRENT") async throws -> String {
            let secret = try await store.getSecret(SecretVersionSelector(secretId: name, versionStage: stage))
            guard case .string(let value) = secret.payload else { return "" }
            return value.unsafeRevealed
        }

        func versions(_ name: String) async throws -> [SecretVersionInfo] { try await store.listSecretVersions(name) }

        /// A generated secret created at `v1` and rotated once; returns the rotated value.
        func createdAndRotated(_ name: String) async throws -> String {
            try await create(name, "v1", kind: "generated")
            _ = try await RotationOperation().run(request())
            return try await value(name)
        }
    }

    static func labels(_ versions: [SecretVersionInfo]) -> [String] { versions.flatMap(\.stages).sorted() }

    @Test("a generated secret rotates through AWSPENDING to AWSCURRENT; the old value is AWSPREVIOUS and no AWSPENDING is left")
    func generatedWhole() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/jwt", "old-signing-key", kind: "generated")
        let report = try await RotationOperation().run(f.request())
        #expect(report.exitStatus == 0 && report.entries.map(\.status) == [.rotated], "\(report.text())")
        let new = try await f.value("qsl/prod/jwt")
        #expect(new != "old-signing-key" && new.count == 40)
        #expect(new.allSatisfy { !GeneratedSecret.excluded.contains($0) })
        #expect(try await f.value("qsl/prod/jwt", stage: "AWSPREVIOUS") == "old-signing-key")
        let versions = try await f.versions("qsl/prod/jwt")
        #expect(versions.count == 2 && Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"])
        #expect(report.entries[0].newVersionId == versions.first { $0.stages.contains("AWSCURRENT") }?.versionId, "the token is the version id")
        #expect(!report.text().contains(new) && !report.json().contains(new), "no value in the report")
        // LastRotatedDate is AWS's record of RotateSecret only; a CLI rotation leaves it alone.
        #expect(try await f.store.describeSecret("qsl/prod/jwt").lastRotatedDate == nil)
    }

    @Test("a JSON secret regenerates only the keys qsl:generated-keys names, comma- or space-separated; the others are kept")
    func generatedKeys() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/api", #"{"adminKey":"a0","internalKey":"i0","issuer":"https://issuer.example/"}"#, kind: "generated", tags: ["qsl:generated-keys": "adminKey internalKey"])
        try await f.create("qsl/prod/untagged", #"{"k":"v"}"#, kind: "generated")
        let report = try await RotationOperation().run(f.request())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try await f.value("qsl/prod/api").utf8)) as? [String: String])
        #expect(object["issuer"] == "https://issuer.example/")
        #expect(object["adminKey"] != "a0" && object["adminKey"]?.count == 40)
        #expect(object["internalKey"] != "i0" && object["internalKey"] != object["adminKey"])
        let untagged = try #require(report.entries.first { $0.name == "qsl/prod/untagged" })
        #expect(untagged.status == .failed && untagged.message?.contains("qsl:generated-keys") == true)
        #expect(try await f.versions("qsl/prod/untagged").count == 1, "nothing staged for a secret it cannot rotate")
        #expect(report.exitStatus == 1)
    }

    @Test("a leftover AWSPENDING is resumed, never generated again; a promoted one whose label stayed is tidied, not rotated again")
    func resumes() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        let staged = try await f.store.putSecretValue("qsl/prod/jwt", value: .string(SecretValue("staged-by-an-earlier-run")), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        let first = try await RotationOperation().run(f.request())
        #expect(first.entries.map(\.status) == [.resumed])
        #expect(try await f.value("qsl/prod/jwt") == "staged-by-an-earlier-run")
        #expect(first.entries[0].newVersionId == staged.versionId)
        #expect(Self.labels(try await f.versions("qsl/prod/jwt")) == ["AWSCURRENT", "AWSPREVIOUS"])

        // Killed between the two finish calls: AWSPENDING still on the new AWSCURRENT.
        let current = try #require(try await f.versions("qsl/prod/jwt").first { $0.stages.contains("AWSCURRENT") })
        try await f.store.updateSecretVersionStage("qsl/prod/jwt", stage: "AWSPENDING", moveToVersionId: current.versionId, removeFromVersionId: nil)
        let second = try await RotationOperation().run(f.request())
        #expect(second.entries.map(\.status) == [.resumed])
        let versions = try await f.versions("qsl/prod/jwt")
        #expect(versions.count == 2 && Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"], "no new version, no stray label")
    }

    /// A strategy whose test always fails.
    struct FailingTest: RotationStrategy {
        /// Stands for a PostgreSQL or Redis strategy, whose set step leaves its value at a server.
        var atResource = false
        var setLeavesValueAtResource: Bool { atResource }

        func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String { "never-promoted" }
        func set(pending: String, current: String, target: RotationTarget) async throws(RotationError) {}
        func test(pending: String, target: RotationTarget) async throws(RotationError) {
            throw RotationError(secret: target.name, step: .test, "the new value was refused", isTestFailure: true)
        }
        func retire(old: String, new: String, target: RotationTarget) async throws(RotationError) {}
    }

    @Test("a failed test promotes nothing: AWSCURRENT stays, AWSPENDING is kept for the retry, which resumes it")
    func failedTest() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        let rotation = SecretRotation(store: f.store, strategy: FailingTest(), afterStep: nil, progress: nil)
        await #expect(throws: RotationError.self) { try await rotation.run(RotationTarget(name: "qsl/prod/jwt", kind: "generated", tags: [:])) }
        #expect(try await f.value("qsl/prod/jwt") == "v1")
        #expect(try await f.value("qsl/prod/jwt", stage: "AWSPENDING") == "never-promoted")
        // The real strategy's retry resumes the staged value rather than making another.
        let retry = try await RotationOperation().run(f.request())
        #expect(retry.entries.map(\.status) == [.resumed])
        #expect(try await f.value("qsl/prod/jwt") == "never-promoted")
        #expect(try await f.versions("qsl/prod/jwt").count == 2)
    }

    /// A strategy at a resource whose test step sees someone put a new version by hand, so the
    /// finish step's compare-and-set of AWSCURRENT fails.
    struct PutDuringTest: RotationStrategy {
        let store: LocalSecretStore
        var atResource: Bool
        var setLeavesValueAtResource: Bool { atResource }

        func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String { "set-at-the-server" }
        func set(pending: String, current: String, target: RotationTarget) async throws(RotationError) {}
        func test(pending: String, target: RotationTarget) async throws(RotationError) {
            do {
                _ = try await store.putSecretValue(target.name, value: .string(SecretValue("put-by-hand")), stages: nil, clientRequestToken: UUID().uuidString)
            } catch {
                throw RotationError(secret: target.name, step: .test, store: error)
            }
        }
        func retire(old: String, new: String, target: RotationTarget) async throws(RotationError) {}
    }

    @Test("a finish step that cannot move AWSCURRENT keeps AWSPENDING when the password is set at a server; a generated secret's is withdrawn")
    func finishFailsAfterSet() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/db", "Host=db;Username=app;Password=p1", kind: "postgres")
        let atServer = SecretRotation(store: f.store, strategy: PutDuringTest(store: f.store, atResource: true), afterStep: nil, progress: nil)
        let error = await #expect(throws: RotationError.self) { try await atServer.run(RotationTarget(name: "qsl/prod/db", kind: "postgres", tags: [:])) }
        #expect(error?.description.contains("set at the postgres server") == true, "\(String(describing: error))")
        #expect(error?.description.contains("set-at-the-server") == false && error?.description.contains("p1") == false, "no password in the message")
        #expect(try await f.value("qsl/prod/db", stage: "AWSPENDING") == "set-at-the-server", "the only record of the password the server takes keeps its label")
        // The command the message gives promotes that version.
        let pending = try #require(try await f.versions("qsl/prod/db").first { $0.stages.contains("AWSPENDING") })
        let current = try #require(try await f.versions("qsl/prod/db").first { $0.stages.contains("AWSCURRENT") })
        #expect(
            error?.description.contains("--move-to-version-id \(pending.versionId) --remove-from-version-id \(current.versionId)") == true,
            "\(String(describing: error))")

        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        let generated = SecretRotation(store: f.store, strategy: PutDuringTest(store: f.store, atResource: false), afterStep: nil, progress: nil)
        let outcome = try await generated.run(RotationTarget(name: "qsl/prod/jwt", kind: "generated", tags: [:]))
        #expect(outcome.status == .superseded)
        #expect(Self.labels(try await f.versions("qsl/prod/jwt")) == ["AWSCURRENT", "AWSPREVIOUS"], "no AWSPENDING left")
    }

    @Test("every secret has a lock file of its own, within a file name's length; a secret named twice is rotated once")
    func oneLockPerSecret() async throws {
        let names = ["qsl/prod/x.db", "qsl/prod/x_db", "qsl/prod/x/db", "qsl/prod/x-db", "qsl/prod/X.db", String(repeating: "a/", count: 256)]
        let files = names.map { SecretLock.fileName(secret: $0) }
        #expect(Set(files).count == names.count, "\(files)")
        for file in files { #expect(file.utf8.count <= 255 && !file.contains("/") && file.hasPrefix(".rotate-"), "\(file)") }
        #expect(SecretLock.fileName(secret: "qsl/prod/x.db") == SecretLock.fileName(secret: "qsl/prod/x.db"))

        let f = try Fixture()
        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        let report = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/jwt", "qsl/prod/jwt"] })
        #expect(report.entries.map(\.status) == [.rotated], "\(report.text())")
        #expect(try await f.versions("qsl/prod/jwt").count == 2)
    }

    @Test("an untagged secret rotated with --kind gets the kind as its qsl:kind tag, so rollback and later runs treat it the same; without --kind it is left alone")
    func kindRecordedAsTag() async throws {
        let f = try Fixture()
        _ = try await f.store.createSecret(CreateSecretRequest(name: "qsl/prod/untagged", value: .string(SecretValue("v1")), clientRequestToken: UUID().uuidString))
        let plain = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/untagged"] })
        #expect(plain.entries.map(\.status) == [.unsupported], "\(plain.text())")
        #expect(try await f.store.describeSecret("qsl/prod/untagged").tags["qsl:kind"] == nil)

        let report = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/untagged"]; $0.kinds = ["generated"] })
        #expect(report.entries.map(\.status) == [.rotated], "\(report.text())")
        #expect(try await f.store.describeSecret("qsl/prod/untagged").tags["qsl:kind"] == "generated")
        let later = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/untagged"]; $0.mode = .check })
        #expect(later.entries.first?.kind == "generated", "\(later.text())")

        // A kind the value is not (a PostgreSQL kind for a plain string): the rotation fails
        // before any change, and no tag records the wrong kind.
        _ = try await f.store.createSecret(CreateSecretRequest(name: "qsl/prod/plain", value: .string(SecretValue("just-text")), clientRequestToken: UUID().uuidString))
        let wrong = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/plain"]; $0.kinds = ["postgres"] })
        #expect(wrong.entries.map(\.status) == [.failed], "\(wrong.text())")
        #expect(try await f.store.describeSecret("qsl/prod/plain").tags["qsl:kind"] == nil)
        #expect(try await f.versions("qsl/prod/plain").count == 1)
    }

    /// A strategy that, like the IAM one, tags the kind itself while making the new value.
    struct TagsKindItself: RotationStrategy {
        let store: any SecretStore
        var newValueRecordsKind: Bool { true }
        func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String {
            do { try await store.tagSecret(target.name, tags: ["qsl:kind": target.kind]) } catch { throw RotationError(secret: target.name, step: .create, store: error) }
            return current + "-next"
        }
        func set(pending: String, current: String, target: RotationTarget) async throws(RotationError) {}
        func test(pending: String, target: RotationTarget) async throws(RotationError) {}
        func retire(old: String, new: String, target: RotationTarget) async throws(RotationError) {}
    }

    @Test("a strategy that tags the kind with its new value is not tagged again by the generic step; a resumed run, which makes no value, still tags it")
    func kindTaggedOnce() async throws {
        let f = try Fixture()
        _ = try await f.store.createSecret(CreateSecretRequest(name: "qsl/prod/key", value: .string(SecretValue("v1")), clientRequestToken: UUID().uuidString))
        let counting = CountingSecretStore(f.store)
        let target = RotationTarget(name: "qsl/prod/key", kind: "iam-access-key", tags: [:], recordsKind: true)
        let fresh = try await SecretRotation(store: counting, strategy: TagsKindItself(store: counting), afterStep: nil, progress: nil).run(target)
        #expect(fresh.status == .rotated)
        #expect(counting.calls["tagSecret"] == 1, "\(counting.calls)")

        _ = try await f.store.createSecret(CreateSecretRequest(name: "qsl/prod/staged", value: .string(SecretValue("v1")), clientRequestToken: UUID().uuidString))
        _ = try await f.store.putSecretValue("qsl/prod/staged", value: .string(SecretValue("v2")), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        let resumedStore = CountingSecretStore(f.store)
        let resumed = try await SecretRotation(store: resumedStore, strategy: TagsKindItself(store: resumedStore), afterStep: nil, progress: nil)
            .run(RotationTarget(name: "qsl/prod/staged", kind: "iam-access-key", tags: [:], recordsKind: true))
        #expect(resumed.status == .resumed)
        #expect(resumedStore.calls["tagSecret"] == 1, "\(resumedStore.calls)")
        #expect(try await f.store.describeSecret("qsl/prod/staged").tags["qsl:kind"] == "iam-access-key")
    }

    @Test("two rotations of one secret at once end with exactly one new AWSCURRENT and no stray label")
    func concurrent() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        async let a = RotationOperation().run(f.request())
        async let b = RotationOperation().run(f.request())
        let statuses = (try await a).entries.map(\.status) + (try await b).entries.map(\.status)
        #expect(statuses.sorted { $0.rawValue < $1.rawValue } == [.rotated, .superseded], "\(statuses)")
        let versions = try await f.versions("qsl/prod/jwt")
        #expect(versions.count == 2, "one version created")
        #expect(Self.labels(versions) == ["AWSCURRENT", "AWSPREVIOUS"])
    }

    @Test("due when the AWSCURRENT version is older than the interval: --check lists it (exit 1), --due rotates only it")
    func schedule() async throws {
        let f = try Fixture(interval: 30)
        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        try await f.create("qsl/prod/logto", #"{"clientSecret":"x"}"#, kind: "external")
        let check = try await RotationOperation().run(f.request { $0.mode = .check })
        #expect(check.exitStatus == 0 && check.entries.map(\.status) == [.notDue, .external])
        // An hour past 30 days the generated secret is due, past the 4-hour window overdue; the
        // external key of 90 days is not yet.
        let later = Date().addingTimeInterval(30 * 86_400 + 3_600)
        let due = try await RotationOperation().run(f.request { $0.mode = .check; $0.now = later })
        #expect(due.exitStatus == 1 && due.entries.map(\.status) == [.due, .external])
        let overdue = try await RotationOperation().run(f.request { $0.mode = .check; $0.now = later.addingTimeInterval(5 * 3_600) })
        #expect(overdue.entries.first?.status == .overdue)
        let external = try await RotationOperation().run(f.request { $0.mode = .check; $0.now = Date().addingTimeInterval(91 * 86_400) })
        #expect(external.entries.last?.status == .overdue && external.entries.last?.message?.contains("secret put") == true)
        // Not due: --due rotates nothing.
        let notYet = try await RotationOperation().run(f.request { $0.onlyDue = true })
        let unchanged = try await f.value("qsl/prod/jwt")
        #expect(notYet.entries.map(\.status) == [.notDue, .external] && unchanged == "v1")
        // A shorter interval makes it due now.
        try f.setInterval(0)
        let now = try await RotationOperation().run(f.request { $0.onlyDue = true })
        let rotated = try await f.value("qsl/prod/jwt")
        #expect(now.entries.first?.status == .rotated && rotated != "v1")
    }

    @Test("an interrupted rotation is due whatever the schedule: --check lists it, --due finishes it, and then nothing is due")
    func interruptedIsDue() async throws {
        let f = try Fixture(interval: 30)
        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        // Promoted, then stopped before AWSPENDING was removed: the new version is not due.
        let staged = try await f.store.putSecretValue("qsl/prod/jwt", value: .string(SecretValue("v2")), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        let current = try #require(try await f.versions("qsl/prod/jwt").first { $0.stages.contains("AWSCURRENT") })
        try await f.store.updateSecretVersionStage("qsl/prod/jwt", stage: "AWSCURRENT", moveToVersionId: staged.versionId, removeFromVersionId: current.versionId)
        let check = try await RotationOperation().run(f.request { $0.mode = .check })
        #expect(check.exitStatus == 1 && check.entries.map(\.status) == [.due], "\(check.text())")
        #expect(check.entries.first?.message?.contains("interrupted") == true)
        let due = try await RotationOperation().run(f.request { $0.onlyDue = true })
        #expect(due.entries.map(\.status) == [.resumed], "\(due.text())")
        #expect(Self.labels(try await f.versions("qsl/prod/jwt")) == ["AWSCURRENT", "AWSPREVIOUS"])
        let after = try await RotationOperation().run(f.request { $0.mode = .check })
        #expect(after.exitStatus == 0 && after.entries.map(\.status) == [.notDue])
    }

    @Test("a kind switched off is not rotated; a dry run changes nothing; a secret with no kind is named, not touched")
    func disabledDryRunAndUnsupported() async throws {
        let off = try Fixture(enabled: false)
        try await off.create("qsl/prod/jwt", "v1", kind: "generated")
        let disabled = try await RotationOperation().run(off.request())
        #expect(disabled.entries.map(\.status) == [.disabled])
        let f = try Fixture()
        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        try await f.create("qsl/prod/neon/db", "Host=db;Username=app;Password=p", kind: "postgres")
        _ = try await f.store.createSecret(CreateSecretRequest(name: "qsl/prod/untagged", value: .string(SecretValue("x")), clientRequestToken: UUID().uuidString))
        let dry = try await RotationOperation().run(f.request { $0.dryRun = true })
        #expect(dry.entries.map(\.status) == [.wouldRotate, .wouldRotate, .unsupported])
        #expect(dry.entries.last?.message?.contains("qsl:kind") == true)
        #expect(try await f.versions("qsl/prod/jwt").count == 1)
        #expect(try await f.versions("qsl/prod/neon/db").count == 1)
    }

    @Test("rollback puts AWSPREVIOUS back as AWSCURRENT, and can itself be rolled back")
    func rollback() async throws {
        let f = try Fixture()
        let rotated = try await f.createdAndRotated("qsl/prod/jwt")
        let rollback = SecretRollback(store: f.store)
        _ = try await rollback.run("qsl/prod/jwt")
        #expect(try await f.value("qsl/prod/jwt") == "v1")
        #expect(try await f.value("qsl/prod/jwt", stage: "AWSPREVIOUS") == rotated)
        _ = try await rollback.run("qsl/prod/jwt")
        #expect(try await f.value("qsl/prod/jwt") == rotated)
        #expect(try await f.versions("qsl/prod/jwt").count == 2, "rollback creates no version")
    }

    @Test("a rolled-back secret is held: --due skips it though due, --check lists it with the hold named, and rotating it by name lifts the hold")
    func rollbackHoldsTheSchedule() async throws {
        let f = try Fixture(interval: 30)
        let rotated = try await f.createdAndRotated("qsl/prod/jwt")
        let outcome = try await SecretRollback(store: f.store).run("qsl/prod/jwt")
        let hold = try #require(try await f.store.describeSecret("qsl/prod/jwt").tags[SecretRollback.holdTag])
        #expect(hold.hasPrefix("rolled back ") && hold.hasSuffix("from version \(outcome.from)"), "\(hold)")

        // The next scheduled run: v1 is AWSCURRENT again and due, but held.
        let dueSoon = Date().addingTimeInterval(30 * 86_400 + 3_600)
        let scheduled = try await RotationOperation().run(f.request { $0.onlyDue = true; $0.now = dueSoon })
        #expect(scheduled.exitStatus == 0 && scheduled.entries.map(\.status) == [.held], "\(scheduled.text())")
        #expect(scheduled.entries.first?.message?.contains("rotate --secret qsl/prod/jwt") == true)
        #expect(try await f.value("qsl/prod/jwt") == "v1", "the schedule left the rolled-back value")
        // Past the window a hold nobody lifted is a finding, and a run over the whole environment
        // (no --due, not naming it) passes it by too.
        let later = Date().addingTimeInterval(31 * 86_400)
        let overdue = try await RotationOperation().run(f.request { $0.onlyDue = true; $0.now = later })
        #expect(overdue.exitStatus == 1 && overdue.entries.map(\.status) == [.held], "\(overdue.text())")
        #expect(overdue.entries.first?.message?.contains("overdue") == true)
        let everything = try await RotationOperation().run(f.request { $0.now = later })
        #expect(everything.entries.map(\.status) == [.held], "\(everything.text())")
        #expect(try await f.value("qsl/prod/jwt") == "v1")
        let check = try await RotationOperation().run(f.request { $0.mode = .check; $0.now = later })
        #expect(check.exitStatus == 1 && check.entries.map(\.status) == [.overdue])
        #expect(check.entries.first?.message?.contains("held since it was rolled back") == true, "\(check.text())")

        // Rotated by name: a new value, and the hold is lifted, so the schedule takes it again.
        let named = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/jwt"] })
        #expect(named.entries.map(\.status) == [.rotated], "\(named.text())")
        let now = try await f.value("qsl/prod/jwt")
        #expect(now != "v1" && now != rotated)
        #expect(try await f.store.describeSecret("qsl/prod/jwt").tags[SecretRollback.holdTag] == "")
        let afterwards = try await RotationOperation().run(f.request { $0.onlyDue = true; $0.now = later.addingTimeInterval(31 * 86_400) })
        #expect(afterwards.entries.map(\.status) == [.rotated], "\(afterwards.text())")
    }

    @Test("the hold is written as soon as the labels move: a step at the resource that fails after them leaves the secret held")
    func holdSurvivesAFailedAfterStep() async throws {
        let f = try Fixture()
        _ = try await f.createdAndRotated("qsl/prod/jwt")
        let hooks = SecretRollback.Hooks(
            before: { _, _ throws(RotationError) in },
            after: { _, _ throws(RotationError) in throw RotationError(secret: "qsl/prod/jwt", step: .rollback, "the resource refused", isStoreFailure: true) })
        await #expect(throws: RotationError.self) { try await SecretRollback(store: f.store).run("qsl/prod/jwt", hooks: hooks) }
        #expect(try await f.value("qsl/prod/jwt") == "v1")
        #expect(SecretRollback.hold(in: try await f.store.describeSecret("qsl/prod/jwt").tags) != nil, "held, though the last step failed")
    }

    @Test("rollback withdraws AWSPENDING: a rotation stopped before its last call, or one whose test failed, is not resumed over the rollback")
    func rollbackWithdrawsPending() async throws {
        let f = try Fixture()
        let rotated = try await f.createdAndRotated("qsl/prod/jwt")
        // Killed between the two finish calls: AWSPENDING still on the new AWSCURRENT.
        let current = try #require(try await f.versions("qsl/prod/jwt").first { $0.stages.contains("AWSCURRENT") })
        try await f.store.updateSecretVersionStage("qsl/prod/jwt", stage: "AWSPENDING", moveToVersionId: current.versionId, removeFromVersionId: nil)
        let outcome = try await SecretRollback(store: f.store).run("qsl/prod/jwt")
        #expect(outcome.withdrawnPending == current.versionId)
        #expect(try await f.value("qsl/prod/jwt") == "v1")
        #expect(Self.labels(try await f.versions("qsl/prod/jwt")) == ["AWSCURRENT", "AWSPREVIOUS"])
        let due = try await RotationOperation().run(f.request { $0.onlyDue = true })
        #expect(!due.entries.contains { $0.status == .resumed }, "\(due.text())")
        #expect(try await f.value("qsl/prod/jwt") != rotated, "the rolled-back value is never promoted again")

        // A staged version from a rotation whose test failed.
        let g = try Fixture()
        _ = try await g.createdAndRotated("qsl/prod/jwt")
        let staged = try await g.store.putSecretValue("qsl/prod/jwt", value: .string(SecretValue("staged-before-the-rollback")), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        let second = try await SecretRollback(store: g.store).run("qsl/prod/jwt")
        #expect(second.withdrawnPending == staged.versionId)
        // Held by the rollback: a run that names it rotates it.
        let after = try await RotationOperation().run(g.request { $0.secrets = ["qsl/prod/jwt"] })
        #expect(after.entries.map(\.status) == [.rotated], "\(after.text())")
        #expect(try await g.value("qsl/prod/jwt") != "staged-before-the-rollback")
    }

    @Test("an AWSPENDING staged before a newer AWSCURRENT (a put since) is withdrawn, not resumed over the put")
    func stalePendingWithdrawn() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/api", #"{"apiKey":"k1","owner":"team-a"}"#, kind: "generated", tags: ["qsl:generated-keys": "apiKey"])
        // A run staged a value from v1, then stopped; someone then put a new value by hand.
        let staged = try await f.store.putSecretValue("qsl/prod/api", value: .string(SecretValue(#"{"apiKey":"staged","owner":"team-a"}"#)), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        let put = try await f.store.putSecretValue("qsl/prod/api", value: .string(SecretValue(#"{"apiKey":"k1","owner":"team-b"}"#)), stages: nil, clientRequestToken: UUID().uuidString)
        #expect(try await f.value("qsl/prod/api").contains("team-b"))
        let report = try await RotationOperation().run(f.request())
        #expect(report.entries.map(\.status) == [.rotated], "\(report.text())")
        #expect(report.entries.first?.newVersionId != staged.versionId)
        #expect(report.entries.first?.message?.contains("withdrew AWSPENDING version \(staged.versionId)") == true, "\(report.text())")
        let value = try await f.value("qsl/prod/api")
        #expect(value.contains("team-b") && !value.contains("staged") && !value.contains("\"k1\""), "the put's other keys kept, a new key generated")
        #expect(try await f.value("qsl/prod/api", stage: "AWSPREVIOUS").contains("team-b"))
        #expect(try await f.versions("qsl/prod/api").first { $0.versionId == put.versionId }?.stages == ["AWSPREVIOUS"])
        #expect(Self.labels(try await f.versions("qsl/prod/api")) == ["AWSCURRENT", "AWSPREVIOUS"], "no stray label")
    }

    @Test("a stale AWSPENDING of a kind whose password may be set at a server stops the run with the label kept; a --due run not due withdraws a generated one and stops")
    func stalePendingAtAResourceOrNotDue() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/redis/connection", "cache:6379,user=app,password=p1", kind: "redis")
        let staged = try await f.store.putSecretValue("qsl/prod/redis/connection", value: .string(SecretValue("cache:6379,user=app,password=p2")), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        _ = try await f.store.putSecretValue("qsl/prod/redis/connection", value: .string(SecretValue("cache:6379,user=app,password=p3")), stages: nil, clientRequestToken: UUID().uuidString)
        let rotation = SecretRotation(store: f.store, strategy: FailingTest(atResource: true), afterStep: nil, progress: nil)
        let error = await #expect(throws: RotationError.self) { try await rotation.run(RotationTarget(name: "qsl/prod/redis/connection", kind: "redis", tags: [:])) }
        #expect(error?.description.contains("may already be set at the redis server") == true, "\(String(describing: error))")
        #expect(error?.description.contains("p2") == false && error?.description.contains("p3") == false, "no password in the message")
        #expect(try await f.versions("qsl/prod/redis/connection").first { $0.versionId == staged.versionId }?.stages == ["AWSPENDING"], "the label stays")

        try await f.create("qsl/prod/jwt", "v1", kind: "generated")
        let stale = try await f.store.putSecretValue("qsl/prod/jwt", value: .string(SecretValue("staged")), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        _ = try await f.store.putSecretValue("qsl/prod/jwt", value: .string(SecretValue("put-by-hand")), stages: nil, clientRequestToken: UUID().uuidString)
        let due = try await RotationOperation().run(f.request { $0.onlyDue = true; $0.secrets = ["qsl/prod/jwt"] })
        #expect(due.entries.map(\.status) == [.notDue], "\(due.text())")
        #expect(due.entries.first?.message?.contains("withdrew AWSPENDING version \(stale.versionId)") == true, "\(due.text())")
        #expect(try await f.value("qsl/prod/jwt") == "put-by-hand", "a value just put is not rotated by a --due run")
        #expect(Self.labels(try await f.versions("qsl/prod/jwt")) == ["AWSCURRENT", "AWSPREVIOUS"])
    }

    @Test("rollback of a kind with a resource refuses while a rotation's staged version may be set there, before touching the resource")
    func rollbackRefusesStagedAtAResource() async throws {
        let f = try Fixture()
        try await f.create("qsl/prod/redis/connection", "cache:6379,user=app,password=p1", kind: "redis")
        _ = try await f.store.putSecretValue("qsl/prod/redis/connection", value: .string(SecretValue("cache:6379,user=app,password=p2")), stages: nil, clientRequestToken: UUID().uuidString)
        let staged = try await f.store.putSecretValue("qsl/prod/redis/connection", value: .string(SecretValue("cache:6379,user=app,password=p3")), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
        let hooks = SecretRollback.Hooks(
            before: { _, _ throws(RotationError) in throw RotationError(secret: "qsl/prod/redis/connection", step: .rollback, "the resource was touched") },
            after: { _, _ throws(RotationError) in throw RotationError(secret: "qsl/prod/redis/connection", step: .rollback, "the resource was touched") })
        let error = await #expect(throws: RotationError.self) { try await SecretRollback(store: f.store).run("qsl/prod/redis/connection", hooks: hooks) }
        #expect(error?.description.contains("staged by a rotation that did not finish") == true, "\(String(describing: error))")
        #expect(try await f.value("qsl/prod/redis/connection") == "cache:6379,user=app,password=p2", "nothing moved")
        #expect(try await f.versions("qsl/prod/redis/connection").first { $0.versionId == staged.versionId }?.stages == ["AWSPENDING"])
    }
}
