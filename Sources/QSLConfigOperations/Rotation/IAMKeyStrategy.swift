#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigAWS
import QSLConfigCore

/// IAM access keys: the secret holds `AccessKeyId` and `SecretAccessKey` (other members are
/// kept), the IAM user is in the tag `qsl:iam-user`.
///
/// - **create:** a new key for the user (`CreateAccessKey`). A user holds at most two keys: an
///   inactive one left by an earlier rotation is deleted first; two active keys neither of which
///   the secret records are refused. Before creating, the key ids the user holds are written to
///   the tag `qsl:rotation-snapshot`, so a run killed between `CreateAccessKey` and staging the
///   key finds the key it made and could not record, and deletes it, instead of refusing. The
///   tag is emptied when the rotation finishes, so a non-empty one marks a rotation in progress.
/// - **test:** `GetCallerIdentity` signed with the new key, retried while IAM propagates it.
/// - **finish:** after AWSCURRENT moves (before AWSPENDING is removed), the old key is
///   deactivated, never deleted: the next
///   rotation, or `rotate --finalize` after the policy's grace period (`windowHours`), deletes it.
struct IAMKeyStrategy: RotationStrategy {
    let store: any SecretStore
    let keys: IAMAccessKeys
    let attempts: Int
    let delay: Duration
    /// ``RotationRequest/afterStep``: told after the snapshot tag, `CreateAccessKey`, the
    /// deactivation and the tag's clearing, the changes this strategy makes itself.
    var afterStep: (@Sendable (String) -> Void)? = nil

    static let snapshotTag = "qsl:rotation-snapshot"

    static func make(_ request: RotationRequest, definition: EnvironmentDefinition, store: any SecretStore) throws(RotationError) -> RotationOperation.KindStrategy? {
        guard let makeContext = request.makeAWSContext else { return nil }
        let context: AWSContext
        do { context = try makeContext(definition) } catch {
            throw RotationError(secret: definition.name, step: .plan, "the AWS identity that rotates IAM keys cannot be set up: \(error)", isStoreFailure: true)
        }
        let strategy = IAMKeyStrategy(
            store: store, keys: IAMAccessKeys(context: context), attempts: request.iamTestAttempts, delay: request.iamTestDelay, afterStep: request.afterStep)
        return RotationOperation.KindStrategy(rotation: strategy) { target, now, dryRun throws(RotationError) in
            try await strategy.finalize(target, now: now, dryRun: dryRun)
        }
    }

    static func user(_ target: RotationTarget) throws(RotationError) -> String {
        guard let user = target.tags["qsl:iam-user"], !user.isEmpty else {
            throw RotationError(secret: target.name, step: .plan, "an iam-access-key secret names its IAM user in the tag qsl:iam-user")
        }
        return user
    }

    /// The secret's JSON members, `AccessKeyId` and `SecretAccessKey` among them.
    static func members(_ value: String, secret: String, step: RotationError.Step) throws(RotationError) -> [String: JSONValue] {
        guard let object = SortedJSON.object(value), object["AccessKeyId"]?.kind == .string, object["SecretAccessKey"]?.kind == .string else {
            throw RotationError(secret: secret, step: step, "an iam-access-key secret is a JSON object with AccessKeyId and SecretAccessKey")
        }
        return object
    }

    func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String {
        let user = try Self.user(target)
        let members = try Self.members(current, secret: target.name, step: .create)
        let currentId = members["AccessKeyId"]!.stringValue!
        let existing = try await keys.keys(user: user, secret: target.name)
        // Keys made by a run that died before it could stage them.
        var orphans: Set<String> = []
        if let snapshot = target.tags[Self.snapshotTag], !snapshot.isEmpty {
            let before = Set(snapshot.split(separator: " ").map(String.init))
            orphans = Set(existing.map(\.id)).subtracting(before).subtracting([currentId])
        }
        let kept = existing.map(\.id).filter { !orphans.contains($0) }
        // With the snapshot, and before the key is made, the kind `--kind` gave (an untagged
        // secret): a run killed after `CreateAccessKey` leaves a secret later runs know as IAM.
        var tags = [Self.snapshotTag: kept.sorted().joined(separator: " ")]
        if target.recordsKind { tags["qsl:kind"] = target.kind }
        do { try await store.tagSecret(target.name, tags: tags) } catch {
            throw RotationError(secret: target.name, step: .create, store: error)
        }
        afterStep?("create: key snapshot tagged")
        let created = try await keys.createKey(user: user, keep: [currentId], orphans: orphans, secret: target.name)
        afterStep?("create: access key created")
        var object: [String: Any] = members
        object["AccessKeyId"] = created.accessKeyId
        object["SecretAccessKey"] = created.secretAccessKey.unsafeRevealed
        return SortedJSON.compact(object)
    }

    var newValueRecordsKind: Bool { true }

    func set(pending: String, current: String, target: RotationTarget) async throws(RotationError) {}

    func test(pending: String, target: RotationTarget) async throws(RotationError) {
        let object = try Self.members(pending, secret: target.name, step: .test)
        _ = try await keys.test(
            accessKeyId: object["AccessKeyId"]!.stringValue!, secretAccessKey: SecretValue(object["SecretAccessKey"]!.stringValue!), secret: target.name,
            attempts: attempts, delay: delay)
    }

    func retire(old: String, new: String, target: RotationTarget) async throws(RotationError) {
        let oldId = try Self.members(old, secret: target.name, step: .finish)["AccessKeyId"]!.stringValue!
        let newId = try Self.members(new, secret: target.name, step: .finish)["AccessKeyId"]!.stringValue!
        if oldId != newId {
            try await keys.deactivate(user: try Self.user(target), accessKeyId: oldId, secret: target.name)
            afterStep?("finish: old key deactivated")
        }
        // The rotation no longer needs its snapshot: an empty tag says none is in progress.
        do { try await store.tagSecret(target.name, tags: [Self.snapshotTag: ""]) } catch {
            throw RotationError(secret: target.name, step: .finish, store: error)
        }
        afterStep?("finish: key snapshot cleared")
    }

    /// Whether a rotation of this secret stopped between writing its snapshot and staging its
    /// key (a key may have been created and not recorded): the next run must finish it.
    static func isInterrupted(tags: [String: String]) -> Bool {
        !(tags[snapshotTag] ?? "").isEmpty
    }

    /// Deletes the user's inactive keys the secret no longer records, once older than the grace
    /// period; with `dryRun`, names them and deletes nothing.
    func finalize(_ target: RotationTarget, now: Date, dryRun: Bool) async throws(RotationError) -> String {
        let user = try Self.user(target)
        var keep: Set<String> = []
        // The keys the labels that matter record. AWSPREVIOUS's key is not kept: it is inactive
        // after a rotation, and only inactive keys are ever deleted. A store that cannot be read
        // stops here rather than deleting on a partial view.
        for stage in ["AWSCURRENT", "AWSPENDING"] {
            let value: String
            do {
                value = try await store.rotationText(SecretVersionSelector(secretId: target.name, versionStage: stage), step: .finalize)
            } catch where stage == "AWSPENDING" && !error.isStoreFailure {
                continue  // no rotation in progress
            }
            keep.insert(try Self.members(value, secret: target.name, step: .finalize)["AccessKeyId"]!.stringValue!)
        }
        let grace = Double(target.policy?.windowHours ?? 0) * 3_600
        let deleted = try await keys.finalize(user: user, keep: keep, olderThan: now.addingTimeInterval(-grace), secret: target.name, dryRun: dryRun)
        if deleted.isEmpty { return "no inactive key past the grace period" }
        return (dryRun ? "would delete inactive keys " : "deleted inactive keys ") + deleted.map(\.id).joined(separator: ", ")
    }

    /// Rollback of an IAM key: the previous key reactivated before the labels move back, the key
    /// that was current deactivated after, so exactly one key is active and it is AWSCURRENT's.
    ///
    /// The rotation snapshot tag goes last: the rotation it belonged to is undone, and a snapshot
    /// left would make the next `--due` run "finish" it, rotating again away from the key just
    /// restored.
    static func rollbackHooks(
        for description: SecretDescription, store: any SecretStore, makeAWSContext: @escaping @Sendable () throws -> AWSContext
    ) throws(RotationError) -> SecretRollback.Hooks? {
        guard description.tags["qsl:kind"] == "iam-access-key" else { return nil }
        let target = RotationTarget(name: description.name, kind: "iam-access-key", tags: description.tags)
        let user = try user(target)
        let context: AWSContext
        do { context = try makeAWSContext() } catch {
            throw RotationError(secret: description.name, step: .rollback, "the AWS identity that manages IAM keys cannot be set up: \(error)", isStoreFailure: true)
        }
        let keys = IAMAccessKeys(context: context)
        let name = description.name
        return SecretRollback.Hooks(
            before: { previous, _ throws(RotationError) in
                let id = try members(previous, secret: name, step: .rollback)["AccessKeyId"]!.stringValue!
                try await keys.activate(user: user, accessKeyId: id, secret: name)
            },
            after: { previous, current throws(RotationError) in
                let old = try members(current, secret: name, step: .rollback)["AccessKeyId"]!.stringValue!
                let restored = try members(previous, secret: name, step: .rollback)["AccessKeyId"]!.stringValue!
                if old != restored { try await keys.deactivate(user: user, accessKeyId: old, secret: name, step: .rollback) }
                if isInterrupted(tags: description.tags) {
                    do throws(StoreError) { try await store.tagSecret(name, tags: [snapshotTag: ""]) } catch {
                        throw RotationError(
                            secret: name, step: .rollback,
                            "the rollback is done (the previous key is AWSCURRENT and active again), but clearing the tag \(snapshotTag) failed: \(error.message); "
                                + "clear it (aws secretsmanager tag-resource --secret-id \(name) --tags Key=\(snapshotTag),Value=) before the next rotate, which would otherwise rotate again; do not roll back again",
                            isStoreFailure: error.isStoreFailure)
                    }
                }
            })
    }
}
