import Foundation
import QSLConfig
import QSLConfigCore

/// `qsl-config rollback --secret NAME`, the runbook's "revert Secrets Manager versions":
/// `AWSCURRENT` moves back to the `AWSPREVIOUS` version, with `RemoveFromVersionId` naming the
/// version that held it, and the version that was current becomes `AWSPREVIOUS`, so a rollback
/// can itself be rolled back. A kind with a resource first makes the previous value work there
/// again (an IAM key is reactivated), through its strategy's `restore`.
struct SecretRollback: Sendable {
    let store: any SecretStore

    struct Outcome: Sendable {
        var from: String
        var to: String
    }

    func run(_ name: String, restore: (@Sendable (_ previous: String, _ current: String) async throws(RotationError) -> Void)? = nil) async throws(RotationError) -> Outcome {
        let versions: [SecretVersionInfo]
        do { versions = try await store.listSecretVersions(name) } catch { throw RotationError(secret: name, step: .rollback, store: error) }
        guard let current = versions.first(where: { $0.stages.contains("AWSCURRENT") }) else {
            throw RotationError(secret: name, step: .rollback, "the secret has no AWSCURRENT version")
        }
        guard let previous = versions.first(where: { $0.stages.contains("AWSPREVIOUS") }) else {
            throw RotationError(secret: name, step: .rollback, "the secret has no AWSPREVIOUS version to go back to")
        }
        if let restore {
            func value(_ versionId: String) async throws(RotationError) -> String {
                do {
                    let stored = try await store.getSecret(SecretVersionSelector(secretId: name, versionId: versionId))
                    if case .string(let text) = stored.payload { return text.unsafeRevealed }
                } catch {
                    throw RotationError(secret: name, step: .rollback, store: error)
                }
                throw RotationError(secret: name, step: .rollback, "the secret holds binary data")
            }
            try await restore(try await value(previous.versionId), try await value(current.versionId))
        }
        do {
            try await store.updateSecretVersionStage(name, stage: "AWSCURRENT", moveToVersionId: previous.versionId, removeFromVersionId: current.versionId)
        } catch {
            throw RotationError(secret: name, step: .rollback, store: error)
        }
        return Outcome(from: current.versionId, to: previous.versionId)
    }
}
