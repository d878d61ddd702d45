#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore
import QSLCrypto

#if canImport(Glibc)
import Glibc
#endif

/// One secret to rotate: its name, kind, tags and the environment's policy for its kind.
struct RotationTarget: Sendable {
    var name: String
    var kind: String
    var tags: [String: String]
    var policy: EnvironmentDefinition.RotationPolicy?
    /// The AWSCURRENT version when the run looked at it; a run that finds another has been
    /// overtaken by a concurrent one and stops.
    var currentVersionId: String?
    /// Whether the run rotates it by its schedule (or was asked to whatever the schedule): a
    /// `--due` run that took it up only for a stale AWSPENDING withdraws that and stops.
    var isDue = true
    /// Whether the kind came from `--kind` (the secret has no `qsl:kind` tag): the run records it
    /// as the tag once the new value is made for that kind and before the set step changes the
    /// resource, so that rollback (which has no `--kind`) and later runs treat the secret the
    /// same way. An untagged PostgreSQL secret rolled back by its labels alone would leave the
    /// server on a password no label holds.
    var recordsKind = false
}

/// What a kind of secret does at each step of the protocol. Generated secrets have no resource;
/// IAM keys, PostgreSQL and Redis passwords do.
protocol RotationStrategy: Sendable {
    /// The next value, from the current one (for an IAM key, a key created now).
    func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String
    /// Applies the pending value at the resource.
    func set(pending: String, current: String, target: RotationTarget) async throws(RotationError)
    /// Proves the pending value works; a failure has `isTestFailure` set.
    func test(pending: String, target: RotationTarget) async throws(RotationError)
    /// After AWSCURRENT moved: retire the old value at the resource (deactivate an old key).
    func retire(old: String, new: String, target: RotationTarget) async throws(RotationError)
    /// Whether ``set(pending:current:target:)`` makes the pending value work at a server on its
    /// own, so that a version withdrawn after it would leave that value live and recorded nowhere
    /// labelled (a PostgreSQL or Redis password). An IAM key is not: the next create finds it.
    var setLeavesValueAtResource: Bool { get }
    /// Whether ``newValue(current:target:)`` itself tags `qsl:kind` when the target records its
    /// kind (an IAM key tags it with its key snapshot, before the key exists), so the generic
    /// step does not tag it again; a resumed run, which makes no new value, still does.
    var newValueRecordsKind: Bool { get }
}

extension RotationStrategy {
    var setLeavesValueAtResource: Bool { false }
    var newValueRecordsKind: Bool { false }
}

/// The four steps of Secrets Manager's rotation protocol for one secret, run from the CLI and
/// resumable wherever a run stopped.
///
/// 1. **create**: the new value staged `AWSPENDING` only, with a fresh token that becomes its
///    version id. An `AWSPENDING` left on another version than `AWSCURRENT` by an earlier run is
///    resumed, never generated again, unless it was staged before the current version was
///    written (a `secret put` since): it was built from a value no longer current, so it is
///    withdrawn and a new one made from the current value. For a password that the set step
///    may already have put at a server (PostgreSQL, Redis) the run stops instead, since only
///    that version records it.
/// 2. **set**: the value applied at the resource (nothing for generated secrets).
/// 3. **test**: the value proven to work. A failure promotes nothing: `AWSPENDING` stays for the
///    retry.
/// 4. **finish**: `AWSCURRENT` moved to the new version with `RemoveFromVersionId` naming the
///    version that held it (so a concurrent writer makes the call fail rather than be
///    overwritten; the old version becomes `AWSPREVIOUS`), the old value retired at the resource
///    (an IAM key deactivated), then `AWSPENDING` removed, which a Lambda rotation leaves to the
///    service and a CLI must do itself. `AWSPENDING` goes last so that a run stopped anywhere
///    before it leaves a mark the next run (`--due` included) finishes.
struct SecretRotation: Sendable {
    let store: any SecretStore
    let strategy: any RotationStrategy
    let afterStep: (@Sendable (String) -> Void)?
    let progress: (@Sendable (String) -> Void)?

    struct Outcome: Sendable {
        var status: RotationReport.Entry.Status
        var newVersionId: String?
        var message: String?
    }

    func run(_ target: RotationTarget) async throws(RotationError) -> Outcome {
        let name = target.name
        func step(_ text: String) { progress?("\(name): \(text)") }
        func storeCall<T>(_ step: RotationError.Step, _ body: () async throws(StoreError) -> T) async throws(RotationError) -> T {
            do { return try await body() } catch { throw RotationError(secret: name, step: step, store: error) }
        }

        let versions = try await storeCall(.plan) { () async throws(StoreError) in try await store.listSecretVersions(name) }
        guard let current = versions.first(where: { $0.stages.contains("AWSCURRENT") }) else {
            throw RotationError(secret: name, step: .plan, "the secret has no AWSCURRENT version")
        }
        var pending = versions.first { $0.stages.contains("AWSPENDING") }

        // A run that promoted its version and stopped before removing AWSPENDING: finish it,
        // retiring the old value first (the retire may be what the run did not get to).
        if let pending, pending.versionId == current.versionId {
            if let previous = versions.first(where: { $0.stages.contains("AWSPREVIOUS") }) {
                step("finish (resumed): retire the previous value")
                let previousValue = try await text(of: SecretVersionSelector(secretId: name, versionId: previous.versionId), step: .finish)
                let currentValue = try await text(of: SecretVersionSelector(secretId: name, versionId: current.versionId), step: .finish)
                try await strategy.retire(old: previousValue, new: currentValue, target: target)
            }
            step("finish (resumed): remove AWSPENDING")
            try await storeCall(.finish) { () async throws(StoreError) in
                try await store.updateSecretVersionStage(name, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: pending.versionId)
            }
            afterStep?("finish: pending removed")
            return Outcome(status: .resumed, newVersionId: current.versionId, message: "finished a rotation an earlier run had promoted")
        }
        // Staged before the current version was written: resuming it would put back (for a JSON
        // secret, the other keys of) the value it was built from, over the newer one.
        var withdrawal: String?
        if let staged = pending, let stagedAt = staged.createdDate, let currentAt = current.createdDate, stagedAt < currentAt {
            guard !strategy.setLeavesValueAtResource else {
                throw RotationError(
                    secret: name, step: .create,
                    "AWSPENDING version \(staged.versionId) was staged before the current version was written (a put since), and its password may already be set at the \(target.kind) server, recorded by that version only; check the server, then remove the label (aws secretsmanager update-secret-version-stage --secret-id \(name) --version-stage AWSPENDING --remove-from-version-id \(staged.versionId)) and rotate again")
            }
            step("withdraw AWSPENDING version \(staged.versionId): staged before the current version was written")
            try await storeCall(.create) { () async throws(StoreError) in
                try await store.updateSecretVersionStage(name, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: staged.versionId)
            }
            withdrawal = "withdrew AWSPENDING version \(staged.versionId), staged before the current version was written"
            pending = nil
            if !target.isDue { return Outcome(status: .notDue, message: withdrawal! + "; not due") }
        }
        if pending == nil, let expected = target.currentVersionId, expected != current.versionId {
            return Outcome(status: .superseded, message: "another run rotated it since this one started" + (withdrawal.map { "; " + $0 } ?? ""))
        }

        let currentValue = try await text(of: SecretVersionSelector(secretId: name, versionId: current.versionId), step: .create)
        // 1. create, or resume.
        let token: String
        let pendingValue: String
        var resumed = false
        if let pending {
            step("create (resumed): AWSPENDING version \(pending.versionId)")
            token = pending.versionId
            pendingValue = try await text(of: SecretVersionSelector(secretId: name, versionId: pending.versionId), step: .create)
            resumed = true
        } else {
            step("create")
            token = UUID().uuidString.lowercased()
            pendingValue = try await strategy.newValue(current: currentValue, target: target)
            _ = try await storeCall(.create) { () async throws(StoreError) in
                try await store.putSecretValue(name, value: .string(SecretValue(pendingValue)), stages: ["AWSPENDING"], clientRequestToken: token)
            }
            afterStep?("create: pending staged")
        }

        if target.recordsKind, resumed || !strategy.newValueRecordsKind {
            step("record the kind: tag qsl:kind=\(target.kind)")
            try await storeCall(.set) { () async throws(StoreError) in try await store.tagSecret(name, tags: ["qsl:kind": target.kind]) }
        }

        // 2. set.
        step("set")
        try await strategy.set(pending: pendingValue, current: currentValue, target: target)
        afterStep?("set")

        // 3. test.
        step("test")
        try await strategy.test(pending: pendingValue, target: target)

        // 4. finish: AWSCURRENT by compare-and-set, then AWSPENDING off.
        step("finish")
        do {
            try await store.updateSecretVersionStage(name, stage: "AWSCURRENT", moveToVersionId: token, removeFromVersionId: current.versionId)
        } catch {
            // Another run moved AWSCURRENT first: leave its result, take our label away.
            let now = (try? await store.listSecretVersions(name)) ?? []
            if now.first(where: { $0.stages.contains("AWSCURRENT") })?.versionId != token {
                // Unless the set step put this value at a server: then only this version records
                // the password that works there, and withdrawing its label would lose it.
                if strategy.setLeavesValueAtResource {
                    let labelled = now.first(where: { $0.versionId == token })?.stages.contains("AWSPENDING") == true
                    let record = labelled ? "AWSPENDING version \(token) keeps it, the only version that records it" : "version \(token) records it"
                    if error.code == .invalidRequest, let newer = now.first(where: { $0.stages.contains("AWSCURRENT") }) {
                        // A newer version (a put by hand) is current: the next run would stop at
                        // the stale AWSPENDING, so say how to promote this one instead.
                        throw RotationError(
                            secret: name, step: .finish,
                            "the new password is set at the \(target.kind) server, but another version (\(newer.versionId)) became AWSCURRENT first; \(record): "
                                + "promote it (aws secretsmanager update-secret-version-stage --secret-id \(name) --version-stage AWSCURRENT --move-to-version-id \(token) "
                                + "--remove-from-version-id \(newer.versionId)), or set the server back to that version's password")
                    }
                    throw RotationError(
                        secret: name, step: .finish,
                        "the new password is set at the \(target.kind) server, but AWSCURRENT could not be moved (\(error.message)); \(record): run rotate again to finish it",
                        isStoreFailure: error.isStoreFailure)
                }
                if now.first(where: { $0.versionId == token })?.stages.contains("AWSPENDING") == true {
                    try? await store.updateSecretVersionStage(name, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: token)
                }
                if error.code == .invalidRequest { return Outcome(status: .superseded, message: "another run promoted a version first; this one's was withdrawn") }
                throw RotationError(secret: name, step: .finish, store: error)
            }
        }
        afterStep?("finish: current moved")
        // Retire before AWSPENDING goes: while the label stays on AWSCURRENT, a run killed here
        // is known to be unfinished, and the next one retires and tidies (see above).
        try await strategy.retire(old: currentValue, new: pendingValue, target: target)
        try await storeCall(.finish) { () async throws(StoreError) in
            try await store.updateSecretVersionStage(name, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: token)
        }
        afterStep?("finish: pending removed")
        return Outcome(status: resumed ? .resumed : .rotated, newVersionId: token, message: withdrawal.map { $0 + ", and rotated from the current value" })
    }

    func text(of selector: SecretVersionSelector, step: RotationError.Step) async throws(RotationError) -> String {
        try await store.rotationText(selector, step: step)
    }
}

/// Generated secrets: a new random value (whole, or the keys `qsl:generated-keys` names), no
/// resource to set, a test that reads the staged version back.
struct GeneratedStrategy: RotationStrategy {
    let store: any SecretStore

    static let defaultLength = 64

    func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String {
        // Comma-separated as people write it, or space-separated as AWS tag values allow.
        let keys = (target.tags["qsl:generated-keys"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        let length = max(16, target.policy?.length ?? Self.defaultLength)
        return try GeneratedSecret.next(current: current, keys: keys, length: length, secret: target.name)
    }

    func set(pending: String, current: String, target: RotationTarget) async throws(RotationError) {}

    func test(pending: String, target: RotationTarget) async throws(RotationError) {
        let stored: StoredSecret
        do { stored = try await store.getSecret(SecretVersionSelector(secretId: target.name, versionStage: "AWSPENDING")) } catch {
            throw RotationError(secret: target.name, step: .test, store: error)
        }
        guard case .string(let value) = stored.payload, value.unsafeRevealed == pending else {
            throw RotationError(secret: target.name, step: .test, "the AWSPENDING version does not read back as staged", isTestFailure: true)
        }
    }

    func retire(old: String, new: String, target: RotationTarget) async throws(RotationError) {}
}

/// An exclusive lock per secret beside the local store's file, so two runs on one machine never
/// rotate one secret at once (on AWS, the token and the compare-and-set of finish do that).
final class SecretLock: Sendable {
    private let fd: Int32

    init?(directory: String, secret: String) {
        let path = directory + "/" + Self.fileName(secret: secret)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The lock file of `secret`: a readable part (ASCII letters, digits and `-`, the rest `_`,
    /// at most 64 characters) and the first 16 bytes of the name's SHA-256, so two names never
    /// share a lock (`a.db`, `a_db` and `a/db` once did, and two rotations in one process each
    /// waited for the other's lock forever) and a long name stays within a file name's limit.
    static func fileName(secret: String) -> String {
        let readable = String(
            decoding: secret.utf8.prefix(64).map { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "-") ? byte : UInt8(ascii: "_")
            }, as: UTF8.self)
        return ".rotate-" + readable + "-" + Crypto.hex(Array(Crypto.sha256(secret).prefix(16))) + ".lock"
    }
}
