import QSLConfig
import QSLConfigAWS
import QSLConfigCore

/// `qsl-config rollback`: a secret back to its previous version (an IAM key reactivated first),
/// or a parameter's previous value written as a new version.
public struct RollbackOperation: Sendable {
    let store: any SecretStore
    let definition: EnvironmentDefinition
    let makeAWSContext: @Sendable () throws -> AWSContext

    public init(store: any SecretStore, definition: EnvironmentDefinition, makeAWSContext: @escaping @Sendable () throws -> AWSContext) {
        self.store = store
        self.definition = definition
        self.makeAWSContext = makeAWSContext
    }

    /// Moves AWSCURRENT back to AWSPREVIOUS; returns the version ids it moved between, and the
    /// version whose AWSPENDING label it withdrew, if any.
    public func secret(_ name: String) async throws(RotationError) -> (from: String, to: String, withdrawnPending: String?) {
        let description: SecretDescription
        do { description = try await store.describeSecret(name) } catch { throw RotationError(secret: name, step: .rollback, store: error) }
        let hooks = try IAMKeyStrategy.rollbackHooks(for: description, store: store, makeAWSContext: makeAWSContext)
            ?? RedisStrategy.rollbackHooks(for: description, store: store)
            ?? PostgresStrategy.rollbackHooks(for: description, store: store, policy: definition.rotation?["postgres"])
        let outcome = try await SecretRollback(store: store).run(name, hooks: hooks)
        return (outcome.from, outcome.to, outcome.withdrawnPending)
    }

    /// Writes the previous value of a parameter as a new version.
    public func parameter(_ name: String) async throws(RotationError) -> (from: Int, to: Int, newVersion: Int) {
        try await ParameterRollback().run(name: name, store: store)
    }
}
