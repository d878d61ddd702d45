import QSLConfig
import QSLConfigCore

/// Why a rotation step failed: the secret, the step, and one sentence a user can act on; never a
/// value. `isStoreFailure` marks a store or AWS failure (exit 3); `isTestFailure` a new value
/// that did not work (exit 1: nothing promoted, `AWSPENDING` kept for the retry).
public struct RotationError: Error, Sendable, CustomStringConvertible {
    public enum Step: String, Sendable, Codable {
        case plan, create, set, test, finish, rollback, finalize
    }

    public var secret: String
    public var step: Step
    public var message: String
    public var isStoreFailure: Bool
    public var isTestFailure: Bool

    public init(secret: String, step: Step, _ message: String, isStoreFailure: Bool = false, isTestFailure: Bool = false) {
        self.secret = secret
        self.step = step
        self.message = message
        self.isStoreFailure = isStoreFailure
        self.isTestFailure = isTestFailure
    }

    init(secret: String, step: Step, store error: StoreError) {
        self.init(secret: secret, step: step, error.message, isStoreFailure: error.isStoreFailure)
    }

    public var description: String { "\(secret): \(step.rawValue): \(message)" }
}
