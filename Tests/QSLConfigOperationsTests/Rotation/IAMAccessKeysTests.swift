import Foundation
import QSLConfigAWS
import QSLConfigCore
import QSLConfigOperations
import QSLConfigTesting
import Testing

/// `IAMAccessKeys` against moto with authentication on: after the rotator user is created in
/// moto's unauthenticated window, every call is signed and moto checks the signature against the
/// key's secret and evaluates IAM policy, so the STS test signed with a new key is real.
///
/// What moto checks and what it does not (moto 5.2):
/// - It does verify a *new* key's signature: `GetCallerIdentity` is exempt from policy
///   evaluation, not from the SigV4 check, which uses the secret IAM stored with the key. A
///   real key id with a wrong secret gets `SignatureDoesNotMatch`, an unknown id
///   `InvalidClientTokenId` (both tested below).
/// - It does not check a key's status: an `Inactive` key still signs successfully in moto,
///   where AWS answers `InvalidClientTokenId`. So "a deactivated key stops working" cannot be
///   proven here; the tests prove the status IAM reports instead.
/// - It has no eventual consistency: a new key works on the first attempt. Retrying until a
///   key starts working is proven with a scripted transport (`retriesUntilTheKeyWorks`).
@Suite("IAM access keys for rotation, against moto", .serialized)
struct IAMAccessKeysTests {
    static let secret = "qsl/production/ci/aws-key"

    struct Fixture {
        let moto: MotoServer
        let rotator: MotoUser
        let context: AWSContext
        let keys: IAMAccessKeys
        let sleeps: SleepRecorder
        let iam: IAMClient

        /// Creates `name` with one key (signed by the rotator, so authenticated).
        func user(_ name: String) async throws -> MotoUser {
            try await moto.createUser(name: name, signedBy: rotator)
        }

        func ids(_ user: String) async throws -> Set<String> {
            Set(try await iam.listAllAccessKeys(userName: user).map(\.accessKeyId))
        }
    }

    /// moto with three unauthenticated calls: CreateUser, PutUserPolicy, CreateAccessKey for
    /// the rotating tool's own user. Everything after is signed and checked.
    static func fixture() async throws -> Fixture {
        let moto = try await MotoServer.start(initialNoAuthActionCount: 3)
        let rotator = try await moto.createUser(name: "qsl-rotator")
        let context = try AWSContext(credentials: rotator.credentials(), environment: moto.environment())
        let sleeps = SleepRecorder()
        return Fixture(
            moto: moto, rotator: rotator, context: context, keys: IAMAccessKeys(context: context, sleep: sleeps.sleep),
            sleeps: sleeps, iam: IAMClient(context: context))
    }

    func rotationError(_ body: () async throws(RotationError) -> Void) async -> RotationError? {
        do {
            try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test("two active keys, neither recorded nor orphaned: refused, naming the user and both keys, and nothing changes")
    func twoActiveKeysRefused() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let user = try await f.user("qsl-ci")
        let second = try await f.iam.createAccessKey(userName: user.name)
        let before = try await f.ids(user.name)
        #expect(before == [user.accessKeyId, second.accessKeyId])

        let error = await rotationError { () async throws(RotationError) in
            _ = try await f.keys.createKey(user: user.name, keep: [], orphans: [], secret: Self.secret)
        }
        let failure = try #require(error)
        #expect(failure.step == .create)
        #expect(!failure.isStoreFailure && !failure.isTestFailure)
        #expect(failure.message.contains("IAM user qsl-ci"))
        #expect(failure.message.contains(user.accessKeyId) && failure.message.contains(second.accessKeyId))
        #expect(!failure.description.contains(second.secretAccessKey.unsafeRevealed))
        #expect(try await f.ids(user.name) == before, "a refusal deletes and creates nothing")

        // Recording one of them in the secret does not make the other, active one deletable.
        let kept = await rotationError { () async throws(RotationError) in
            _ = try await f.keys.createKey(user: user.name, keep: [user.accessKeyId], orphans: [], secret: Self.secret)
        }
        #expect(kept?.message.contains("\(second.accessKeyId) (active)") == true, "\(kept?.message ?? "no error")")
        #expect(try await f.ids(user.name) == before)
    }

    @Test("an inactive key not recorded is deleted to make room, then the new key is created")
    func inactiveKeyDeleted() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let user = try await f.user("qsl-ci")
        let old = try await f.iam.createAccessKey(userName: user.name)
        try await f.keys.deactivate(user: user.name, accessKeyId: old.accessKeyId, secret: Self.secret)
        #expect(try await f.keys.keys(user: user.name, secret: Self.secret).map(\.isActive).sorted { !$0 && $1 } == [false, true])

        let created = try await f.keys.createKey(user: user.name, keep: [user.accessKeyId], orphans: [], secret: Self.secret)
        #expect(try await f.ids(user.name) == [user.accessKeyId, created.accessKeyId])
        #expect(created.accessKeyId != old.accessKeyId)
        #expect(!created.secretAccessKey.unsafeRevealed.isEmpty)
        #expect("\(created.secretAccessKey)" == SecretValue.redactionMarker)

        // An inactive key that IS recorded (AWSPENDING of a run being rolled back) is never deleted.
        try await f.keys.deactivate(user: user.name, accessKeyId: created.accessKeyId, secret: Self.secret)
        let refused = await rotationError { () async throws(RotationError) in
            _ = try await f.keys.createKey(user: user.name, keep: [user.accessKeyId, created.accessKeyId], orphans: [], secret: Self.secret)
        }
        #expect(refused?.message.contains("both recorded in the secret") == true, "\(refused?.message ?? "no error")")
        #expect(try await f.ids(user.name) == [user.accessKeyId, created.accessKeyId])
    }

    @Test("an orphan from a crashed rotation is deactivated, then deleted, even while active")
    func orphanDeactivatedThenDeleted() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let user = try await f.user("qsl-ci")
        let orphan = try await f.iam.createAccessKey(userName: user.name)

        try f.moto.startRecording()
        let created = try await f.keys.createKey(user: user.name, keep: [user.accessKeyId], orphans: [orphan.accessKeyId], secret: Self.secret)
        try f.moto.stopRecording()
        #expect(try await f.ids(user.name) == [user.accessKeyId, created.accessKeyId])

        // moto's own recording of what reached it: list, deactivate, delete, create, in that order.
        let calls = try f.moto.recordedRequests().map { request -> String in
            let form = String(decoding: request.body, as: UTF8.self).split(separator: "&")
            let action = form.first { $0.hasPrefix("Action=") }.map { String($0.dropFirst(7)) } ?? "?"
            let status = form.first { $0.hasPrefix("Status=") }.map { " " + $0.dropFirst(7) } ?? ""
            let key = form.first { $0.hasPrefix("AccessKeyId=") }.map { " " + $0.dropFirst(12) } ?? ""
            return action + key + status
        }
        #expect(calls == [
            "ListAccessKeys", "UpdateAccessKey \(orphan.accessKeyId) Inactive", "DeleteAccessKey \(orphan.accessKeyId)", "CreateAccessKey",
        ])
    }

    @Test("a new key passes the test signed with itself, and the ARN names the user")
    func newKeyTests() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let user = try await f.user("qsl-ci")
        let created = try await f.keys.createKey(user: user.name, keep: [user.accessKeyId], orphans: [], secret: Self.secret)
        let arn = try await f.keys.test(
            accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, secret: Self.secret, attempts: 5, delay: .seconds(2))
        #expect(arn == "arn:aws:iam::\(MotoServer.accountId):user/qsl-ci")
        #expect(arn == user.arn)
        #expect(f.sleeps.delays.isEmpty, "worked on the first attempt")
    }

    @Test("a bogus key fails the test after every attempt, as a test failure that never shows the secret key")
    func bogusKeyFails() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let bogusSecret = SecretValue("bogus/Secret+Key0123456789abcdefghijklmn")
        let error = await rotationError { () async throws(RotationError) in
            _ = try await f.keys.test(
                accessKeyId: "AKIABOGUSBOGUSBOGUS0", secretAccessKey: bogusSecret, secret: Self.secret, attempts: 3, delay: .seconds(4))
        }
        let failure = try #require(error)
        #expect(failure.isTestFailure)
        #expect(!failure.isStoreFailure)
        #expect(failure.step == .test)
        #expect(failure.message.contains("AKIABOGUSBOGUSBOGUS0 did not work after 3 attempts"), "\(failure)")
        #expect(failure.message.contains("InvalidClientTokenId"))
        #expect(!failure.description.contains(bogusSecret.unsafeRevealed))
        #expect(f.sleeps.delays == [.seconds(4), .seconds(4)], "three attempts, the delay between each")

        // A real key id signed with the wrong secret: moto checks the new key's signature.
        let user = try await f.user("qsl-ci")
        let wrong = SecretValue("wrong/secret+key")
        let mismatch = await rotationError { () async throws(RotationError) in
            _ = try await f.keys.test(accessKeyId: user.accessKeyId, secretAccessKey: wrong, secret: Self.secret, attempts: 1, delay: .zero)
        }
        #expect(mismatch?.isTestFailure == true)
        #expect(mismatch?.message.contains("SignatureDoesNotMatch") == true, "\(mismatch?.message ?? "no error")")
        #expect(mismatch?.description.contains(wrong.unsafeRevealed) == false)
        #expect(f.sleeps.delays.count == 2, "one attempt, no sleep")
    }

    @Test("deactivate, activate and delete change what IAM reports")
    func statusChanges() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let user = try await f.user("qsl-ci")
        func active() async throws -> Bool? {
            try await f.keys.keys(user: user.name, secret: Self.secret).first { $0.id == user.accessKeyId }?.isActive
        }
        #expect(try await active() == true)
        try await f.keys.deactivate(user: user.name, accessKeyId: user.accessKeyId, secret: Self.secret)
        #expect(try await active() == false)
        try await f.keys.activate(user: user.name, accessKeyId: user.accessKeyId, secret: Self.secret)
        #expect(try await active() == true)
        try await f.keys.delete(user: user.name, accessKeyId: user.accessKeyId, secret: Self.secret)
        #expect(try await f.ids(user.name).isEmpty)

        // A missing user is a store failure naming the user.
        let missing = await rotationError { () async throws(RotationError) in
            _ = try await f.keys.keys(user: "qsl-nobody", secret: Self.secret)
        }
        #expect(missing?.isStoreFailure == true)
        #expect(missing?.message.contains("IAM user qsl-nobody") == true, "\(missing?.message ?? "no error")")
    }

    @Test("finalize deletes only inactive, unrecorded keys older than the grace cut-off")
    func finalizeHonoursGrace() async throws {
        let f = try await Self.fixture()
        defer { f.moto.stop() }
        let user = try await f.user("qsl-ci")
        let old = try await f.iam.createAccessKey(userName: user.name)
        try await f.keys.deactivate(user: user.name, accessKeyId: old.accessKeyId, secret: Self.secret)
        let keys = try await f.keys.keys(user: user.name, secret: Self.secret)
        #expect(keys.allSatisfy { $0.created != nil }, "moto reports CreateDate")

        // Within the grace period: nothing goes.
        let early = try await f.keys.finalize(user: user.name, keep: [user.accessKeyId], olderThan: Date().addingTimeInterval(-3600), secret: Self.secret)
        #expect(early.isEmpty)
        // Recorded in the secret: never goes, however old.
        let recorded = try await f.keys.finalize(user: user.name, keep: [old.accessKeyId], olderThan: Date().addingTimeInterval(3600), secret: Self.secret)
        #expect(recorded.isEmpty)
        #expect(try await f.ids(user.name) == [user.accessKeyId, old.accessKeyId])
        // A dry run past the grace period: names the inactive one, deletes nothing.
        let dry = try await f.keys.finalize(user: user.name, keep: [], olderThan: Date().addingTimeInterval(3600), secret: Self.secret, dryRun: true)
        #expect(dry.map(\.id) == [old.accessKeyId])
        #expect(try await f.ids(user.name) == [user.accessKeyId, old.accessKeyId])
        // Past the grace period: the inactive one goes, the active one stays though not recorded.
        let late = try await f.keys.finalize(user: user.name, keep: [], olderThan: Date().addingTimeInterval(3600), secret: Self.secret)
        #expect(late.map(\.id) == [old.accessKeyId])
        #expect(try await f.ids(user.name) == [user.accessKeyId])
    }
}

@Suite("IAM access key test retries")
struct IAMAccessKeysRetryTests {
    static let identity = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>arn:aws:iam::123456789012:user/qsl-ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>
          </GetCallerIdentityResult>
        </GetCallerIdentityResponse>
        """
    static let unknownKey = """
        <ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>
        """

    @Test("a key IAM has not propagated yet is retried until it works, signed with the new key and not the tool's")
    func retriesUntilTheKeyWorks() async throws {
        let transport = ScriptedTransport([
            .respond(.xml(status: 403, Self.unknownKey)), .respond(.xml(status: 403, Self.unknownKey)), .respond(.xml(status: 200, Self.identity)),
        ])
        let context = try AWSContext(
            region: "eu-west-1",
            credentials: AWSCredentials(accessKeyId: "AKIATOOLKEY000000000", secretAccessKey: SecretValue("tool-secret"), source: "test"),
            environment: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/c"],
            runtime: AWSRuntime(transport: transport))
        let sleeps = SleepRecorder()
        let arn = try await IAMAccessKeys(context: context, sleep: sleeps.sleep).test(
            accessKeyId: "AKIANEWKEY0000000000", secretAccessKey: SecretValue("new-secret"), secret: "s", attempts: 5, delay: .seconds(3))
        #expect(arn == "arn:aws:iam::123456789012:user/qsl-ci")
        #expect(sleeps.delays == [.seconds(3), .seconds(3)])
        #expect(transport.requests.count == 3)
        for request in transport.requests {
            let authorization = request.headers["Authorization"] ?? ""
            #expect(authorization.contains("Credential=AKIANEWKEY0000000000/"), "signed with the new key: \(authorization)")
            #expect(authorization.contains("/eu-west-1/sts/"), "in the tool's region")
        }
    }

    @Test("STS not answering is a store failure, not a verdict on the key")
    func unreachableIsStoreFailure() async throws {
        let transport = ScriptedTransport(otherwise: .respond(.xml(status: 503, "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>")))
        let context = try AWSContext(
            region: "us-east-1",
            credentials: AWSCredentials(accessKeyId: "AKIATOOLKEY000000000", secretAccessKey: SecretValue("tool-secret"), source: "test"),
            environment: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/c", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/c", "AWS_MAX_ATTEMPTS": "1"],
            runtime: AWSRuntime(transport: transport, sleep: { _ in }))
        do {
            _ = try await IAMAccessKeys(context: context, sleep: { _ in }).test(
                accessKeyId: "AKIANEWKEY0000000000", secretAccessKey: SecretValue("new-secret"), secret: "s", attempts: 2, delay: .seconds(1))
            Issue.record("expected a failure")
        } catch {
            #expect(error.isStoreFailure)
            #expect(!error.isTestFailure)
            #expect(error.message.contains("after 2 attempts"), "\(error)")
        }
    }
}
