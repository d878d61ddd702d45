import QSLConfig
import QSLConfigCore

extension SecretStore {
    /// The SecretString of one version, for a rotation step: a store failure or a binary secret
    /// is that step's ``RotationError``, naming the secret and never a value.
    func rotationText(_ selector: SecretVersionSelector, step: RotationError.Step) async throws(RotationError) -> String {
        let secret: StoredSecret
        do { secret = try await getSecret(selector) } catch { throw RotationError(secret: selector.secretId, step: step, store: error) }
        guard case .string(let value) = secret.payload else {
            throw RotationError(secret: selector.secretId, step: step, "the secret holds binary data, which rotation does not generate")
        }
        return value.unsafeRevealed
    }
}
