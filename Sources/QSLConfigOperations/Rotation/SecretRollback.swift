#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore

/// `qsl-config rollback --secret NAME`, the runbook's "revert Secrets Manager versions":
/// `AWSCURRENT` moves back to the `AWSPREVIOUS` version, with `RemoveFromVersionId` naming the
/// version that held it, and the version that was current becomes `AWSPREVIOUS`, so a rollback
/// can itself be rolled back. A kind with a resource makes the previous value work there again
/// first and retires the current one after (an IAM key reactivated, the other deactivated).
///
/// An `AWSPENDING` label is withdrawn before the move, wherever it is: on the version rolled back
/// from (a rotation stopped before its last call) or on a staged version (a rotation whose test
/// failed), the next `rotate` would resume it and promote the value the rollback left.
///
/// After the move the secret is *held*: its `qsl:rotation-hold` tag says when and from which
/// version it was rolled back. The schedule (`rotate --due`) skips a held secret, which would
/// otherwise be due at once (its `AWSCURRENT` version is the old one again) and rotated away
/// from the value the rollback put back the next night; `rotate --check` still lists it when
/// due. Rotating it by name (`rotate --secret NAME`) lifts the hold.
struct SecretRollback: Sendable {
    let store: any SecretStore
    /// The clock the hold is stamped with.
    var now: @Sendable () -> Date = { Date() }

    /// The tag that holds a rolled-back secret back from the schedule; empty when lifted.
    static let holdTag = "qsl:rotation-hold"

    /// The hold `tags` record, if any.
    static func hold(in tags: [String: String]) -> String? {
        guard let value = tags[holdTag], !value.isEmpty else { return nil }
        return value
    }

    struct Outcome: Sendable {
        var from: String
        var to: String
        /// The version whose `AWSPENDING` label the rollback withdrew.
        var withdrawnPending: String?
    }

    /// What a kind does at the resource around the label move, given the previous and the
    /// current value.
    struct Hooks: Sendable {
        var before: @Sendable (_ previous: String, _ current: String) async throws(RotationError) -> Void
        var after: @Sendable (_ previous: String, _ current: String) async throws(RotationError) -> Void
    }

    func run(_ name: String, hooks: Hooks? = nil) async throws(RotationError) -> Outcome {
        let versions: [SecretVersionInfo]
        do { versions = try await store.listSecretVersions(name) } catch { throw RotationError(secret: name, step: .rollback, store: error) }
        guard let current = versions.first(where: { $0.stages.contains("AWSCURRENT") }) else {
            throw RotationError(secret: name, step: .rollback, "the secret has no AWSCURRENT version")
        }
        guard let previous = versions.first(where: { $0.stages.contains("AWSPREVIOUS") }) else {
            throw RotationError(secret: name, step: .rollback, "the secret has no AWSPREVIOUS version to go back to")
        }
        let pending = versions.first { $0.stages.contains("AWSPENDING") }
        // A staged version of a kind with a resource (a rotation whose test failed) may already
        // be set there: withdrawing its label would leave that value live and unrecorded.
        if let pending, pending.versionId != current.versionId, hooks != nil {
            throw RotationError(
                secret: name, step: .rollback,
                "AWSPENDING version \(pending.versionId) is staged by a rotation that did not finish, and its value may already be set at the resource; finish it (qsl-config rotate --secret \(name)), or check the resource and remove the label, then roll back")
        }
        var values: (previous: String, current: String)?
        if let hooks {
            func value(_ versionId: String) async throws(RotationError) -> String {
                try await store.rotationText(SecretVersionSelector(secretId: name, versionId: versionId), step: .rollback)
            }
            values = (try await value(previous.versionId), try await value(current.versionId))
            try await hooks.before(values!.previous, values!.current)
        }
        if let pending {
            do {
                try await store.updateSecretVersionStage(name, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: pending.versionId)
            } catch {
                throw RotationError(secret: name, step: .rollback, store: error)
            }
        }
        do {
            try await store.updateSecretVersionStage(name, stage: "AWSCURRENT", moveToVersionId: previous.versionId, removeFromVersionId: current.versionId)
        } catch {
            throw RotationError(secret: name, step: .rollback, store: error)
        }
        // The hold first, as soon as the old version is current again (its creation date makes it
        // due at once): a step at the resource that fails below must not leave it unheld.
        let stamp = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down)).formatted(RotationReport.dateFormat)
        var holdFailure: StoreError?
        do { try await store.tagSecret(name, tags: [Self.holdTag: "rolled back \(stamp) from version \(current.versionId)"]) } catch { holdFailure = error }
        let unheld = holdFailure.map {
            "the \(Self.holdTag) tag that keeps the schedule from rotating it again could not be written (\($0.message)); until it is, rotate --due may rotate it away from this version"
        }
        if let hooks, let values {
            do throws(RotationError) {
                try await hooks.after(values.previous, values.current)
            } catch {
                // Both said: the step at the resource, and that the secret is not held.
                var failure = error
                if let unheld { failure.message += "; and " + unheld }
                throw failure
            }
        }
        if let unheld, let holdFailure {
            throw RotationError(
                secret: name, step: .rollback, "rolled back to version \(previous.versionId), but \(unheld)", isStoreFailure: holdFailure.isStoreFailure)
        }
        return Outcome(from: current.versionId, to: previous.versionId, withdrawnPending: pending?.versionId)
    }
}
