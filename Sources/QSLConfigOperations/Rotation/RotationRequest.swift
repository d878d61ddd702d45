#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigAWS
import QSLConfigCore

/// What ``RotationOperation`` rotates or checks, in one environment of a platform root.
///
/// ```swift
/// var request = RotationRequest(root: ".", environment: "production") { definition in try root.store(for: definition, variables: env) }
/// request.mode = .check
/// let report = try await RotationOperation().run(request)
/// ```
public struct RotationRequest: Sendable {
    public enum Mode: String, Sendable {
        /// Rotate what is selected (with ``onlyDue``, only what is due).
        case rotate
        /// List what is due or overdue and when each falls due; rotate nothing.
        case check
        /// Delete the inactive IAM keys older than the policy's grace period.
        case finalize
    }

    public var root: String
    public var environment: String
    /// Secrets by name; every secret under the environment's prefix when empty.
    public var secrets: [String]
    /// Only secrets whose `qsl:services` tag names one of these.
    public var services: [String]
    /// Only secrets of these kinds; a secret without a `qsl:kind` tag takes the first.
    public var kinds: [String]
    public var mode: Mode
    /// Rotate only what is due.
    public var onlyDue: Bool
    /// Say what would be rotated, write nothing.
    public var dryRun: Bool
    /// How many secrets rotate at once.
    public var concurrency: Int
    /// The time schedules are computed against.
    public var now: Date
    /// The environment's store.
    public var makeStore: @Sendable (EnvironmentDefinition) throws(StoreError) -> any SecretStore
    /// The AWS identity IAM access keys are rotated with (`iam-access-key` secrets only).
    public var makeAWSContext: (@Sendable (EnvironmentDefinition) throws -> AWSContext)?
    /// How long a new IAM key is retried for while IAM propagates it: attempts and the pause
    /// between them.
    public var iamTestAttempts: Int
    public var iamTestDelay: Duration
    /// Told each step as it happens.
    public var progress: (@Sendable (String) -> Void)?
    /// Called after each step that changed something (a version staged, a label moved, a key
    /// created or deactivated); the kill tests stop the process here.
    public var afterStep: (@Sendable (String) -> Void)?

    public init(root: String, environment: String, makeStore: @escaping @Sendable (EnvironmentDefinition) throws(StoreError) -> any SecretStore) {
        self.root = root
        self.environment = environment
        self.secrets = []
        self.services = []
        self.kinds = []
        self.mode = .rotate
        self.onlyDue = false
        self.dryRun = false
        self.concurrency = 4
        self.now = Date()
        self.makeStore = makeStore
        self.makeAWSContext = nil
        self.iamTestAttempts = 30
        self.iamTestDelay = .seconds(2)
        self.progress = nil
        self.afterStep = nil
    }
}
