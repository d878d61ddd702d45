import QSLConfig
import QSLConfigCore

/// Rolls a Parameter Store parameter back by writing its previous version's value as a new
/// version: Parameter Store never rewrites a version, so undoing version n means writing n-1's
/// value as n+1. The type is kept: a parameter that was or is a `SecureString` is written as a
/// `SecureString`, never in the clear.
///
/// ```swift
/// let moved = try await ParameterRollback().run(name: "/qsl/production/config/api/url", store: store)
/// print("restored version \(moved.to) over \(moved.from) as version \(moved.newVersion)")
/// ```
public struct ParameterRollback: Sendable {
    public init() {}

    /// - Returns: `from`, the version that was current (n); `to`, the version whose value was
    ///   restored (n-1); `newVersion`, the version now holding it (n+1).
    /// - Throws: ``RotationError`` (step `rollback`) for a missing parameter, one with a single
    ///   version, a previous version the store no longer keeps, a `StringList` (the store writes
    ///   only `String` and `SecureString`), a write that raced another one, or a store failure.
    public func run(name: String, store: any SecretStore) async throws(RotationError) -> (from: Int, to: Int, newVersion: Int) {
        let current = try await read(ParameterReference(name: name), store: store)
        guard let current else {
            throw RotationError(secret: name, step: .rollback, "parameter \(name) does not exist in \(store.storeDescription)")
        }
        guard current.version > 1 else {
            throw RotationError(
                secret: name, step: .rollback,
                "parameter \(name) has only version \(current.version); there is no earlier version to roll back to")
        }
        let previousVersion = current.version - 1
        let previous = try await read(ParameterReference(name: name, selector: String(previousVersion)), store: store)
        guard let previous else {
            throw RotationError(
                secret: name, step: .rollback,
                "version \(previousVersion) of parameter \(name) is no longer kept by \(store.storeDescription) (Parameter Store keeps the last 100); write the value to restore with put-parameter instead")
        }
        if current.type == "StringList" || previous.type == "StringList" {
            throw RotationError(
                secret: name, step: .rollback,
                "parameter \(name) is a StringList, which rollback would rewrite as a String; restore version \(previousVersion) with aws ssm put-parameter --type StringList instead")
        }
        let secure = current.isSecure || previous.isSecure
        do {
            try await store.putParameter(name, value: previous.value.unsafeRevealed, secure: secure)
        } catch {
            throw RotationError(secret: name, step: .rollback, store: error)
        }

        // The store's write returns no version: read it back, and make sure it is ours.
        let written = try await read(ParameterReference(name: name), store: store)
        guard let written, written.version == current.version + 1, written.value == previous.value else {
            let found = written.map { "version \($0.version)" } ?? "no parameter"
            throw RotationError(
                secret: name, step: .rollback,
                "parameter \(name) changed while it was rolled back: expected version \(current.version + 1) to hold version \(previousVersion)'s value, found \(found); check its history before writing again")
        }
        return (current.version, previousVersion, written.version)
    }

    func read(_ reference: ParameterReference, store: any SecretStore) async throws(RotationError) -> StoredParameter? {
        do {
            return try await store.getParameters([reference]).parameters[reference]
        } catch {
            throw RotationError(secret: reference.name, step: .rollback, store: error)
        }
    }
}
