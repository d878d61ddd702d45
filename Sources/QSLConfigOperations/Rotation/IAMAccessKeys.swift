#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigAWS
import QSLConfigCore

/// The IAM side of rotating a secret that holds an IAM user's access key: list the user's keys,
/// make room for and create a new one, prove it signs, and deactivate, reactivate or delete keys.
///
/// Calls are made with the rotating tool's identity (`context`); only ``test(accessKeyId:secretAccessKey:secret:attempts:delay:)``
/// signs with the new key. Every failure is a ``RotationError`` naming the secret, the step, the
/// user and key ids; a secret access key never appears in one.
///
/// ```swift
/// let keys = IAMAccessKeys(context: context)
/// let created = try await keys.createKey(user: "qsl-ci", keep: [currentKeyId], orphans: [], secret: name)
/// let arn = try await keys.test(accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey,
///                               secret: name, attempts: 10, delay: .seconds(3))
/// ```
public struct IAMAccessKeys: Sendable {
    /// One of a user's access keys: never its secret.
    public struct Key: Sendable, Hashable {
        public var id: String
        public var isActive: Bool
        public var created: Date?

        public init(id: String, isActive: Bool, created: Date?) {
            self.id = id
            self.isActive = isActive
            self.created = created
        }
    }

    /// IAM allows a user two access keys.
    public static let maxKeysPerUser = 2

    let context: AWSContext
    let iam: IAMClient
    let sleep: @Sendable (Duration) async throws -> Void

    /// - Parameter context: the rotating tool's identity, which needs `iam:ListAccessKeys`,
    ///   `iam:CreateAccessKey`, `iam:UpdateAccessKey` and `iam:DeleteAccessKey` on the user.
    public init(context: AWSContext) {
        self.init(context: context, sleep: { try await Task.sleep(for: $0) })
    }

    /// The seam: `sleep` waits between ``test(accessKeyId:secretAccessKey:secret:attempts:delay:)``'s attempts.
    package init(context: AWSContext, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.context = context
        self.iam = IAMClient(context: context)
        self.sleep = sleep
    }

    // MARK: Reading

    /// The user's access keys, oldest first.
    public func keys(user: String, secret: String) async throws(RotationError) -> [Key] {
        try await keys(user: user, secret: secret, step: .plan)
    }

    func keys(user: String, secret: String, step: RotationError.Step) async throws(RotationError) -> [Key] {
        do {
            return try await iam.listAllAccessKeys(userName: user).map {
                Key(id: $0.accessKeyId, isActive: $0.status == IAMClient.AccessKeyStatus.active.rawValue, created: $0.createDate)
            }
            .sorted { ($0.created ?? .distantPast, $0.id) < ($1.created ?? .distantPast, $1.id) }
        } catch {
            throw Self.failure(error, secret: secret, step: step, doing: "listing the access keys of IAM user \(user)")
        }
    }

    // MARK: Creating

    /// Makes room for a new key and creates it.
    ///
    /// A user holds at most two keys. Every key in `orphans` (keys a crashed earlier rotation
    /// created and never recorded) is deactivated and deleted, unless it is also in `keep`. If the
    /// user still holds two keys, an inactive one not in `keep` is deleted (the oldest first).
    /// If that still leaves two (both active, or both kept), nothing is changed and the call is
    /// refused, naming the user and both key ids: an active key nobody recorded may be in use.
    ///
    /// - Parameters:
    ///   - keep: the key ids the secret records (`AWSCURRENT`, `AWSPENDING`); never deleted.
    ///   - orphans: key ids known to be unrecorded leftovers of this rotation.
    /// - Returns: the new key; its secret is only ever returned here.
    public func createKey(
        user: String, keep: Set<String>, orphans: Set<String>, secret: String
    ) async throws(RotationError) -> (accessKeyId: String, secretAccessKey: SecretValue) {
        let existing = try await keys(user: user, secret: secret, step: .create)
        var remaining = existing
        var deletions: [Key] = []
        for key in existing where orphans.contains(key.id) && !keep.contains(key.id) {
            deletions.append(key)
            remaining.removeAll { $0.id == key.id }
        }
        while remaining.count >= Self.maxKeysPerUser, let inactive = remaining.first(where: { !$0.isActive && !keep.contains($0.id) }) {
            deletions.append(inactive)
            remaining.removeAll { $0.id == inactive.id }
        }
        if remaining.count >= Self.maxKeysPerUser {
            throw RotationError(secret: secret, step: .create, Self.refusal(user: user, keys: remaining, keep: keep))
        }

        for key in deletions {
            if key.isActive {
                try await deactivate(user: user, accessKeyId: key.id, secret: secret, step: .create)
            }
            try await delete(user: user, accessKeyId: key.id, secret: secret, step: .create)
        }
        do {
            let created = try await iam.createAccessKey(userName: user)
            return (created.accessKeyId, created.secretAccessKey)
        } catch {
            throw Self.failure(error, secret: secret, step: .create, doing: "creating an access key for IAM user \(user)")
        }
    }

    static func refusal(user: String, keys: [Key], keep: Set<String>) -> String {
        let described = keys.map { key in
            "\(key.id) (\(key.isActive ? "active" : "inactive")\(keep.contains(key.id) ? ", recorded in the secret" : ""))"
        }
        let listing = described.joined(separator: " and ")
        if keys.allSatisfy({ keep.contains($0.id) }) {
            return "IAM user \(user) already holds two access keys, \(listing), both recorded in the secret; finish or roll back the rotation in progress before starting another"
        }
        let unrecorded = keys.filter { !keep.contains($0.id) }
        let which = unrecorded.count == 1
            ? "\(unrecorded[0].id) is not recorded in the secret but active, so it may be in use"
            : "neither is recorded in the secret and both are active, so either may be in use"
        return "IAM user \(user) already holds two access keys, \(listing); \(which). Deactivate and delete the key nothing uses (aws iam delete-access-key --user-name \(user) --access-key-id ID), then retry"
    }

    // MARK: Testing

    /// Proves a key works: STS `GetCallerIdentity` signed with it (and nothing else), against the
    /// same region and endpoints as the tool's context. IAM is eventually consistent, so a new
    /// key is tried up to `attempts` times with `delay` between.
    ///
    /// - Returns: the ARN the key belongs to.
    /// - Throws: ``RotationError`` with `isTestFailure` when AWS kept rejecting the key; with
    ///   `isStoreFailure` when STS could not be reached at all (the key was never judged).
    public func test(
        accessKeyId: String, secretAccessKey: SecretValue, secret: String, attempts: Int, delay: Duration
    ) async throws(RotationError) -> String {
        let credentials = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, source: "the new access key")
        let sts = STSClient(context: context.signing(with: credentials))
        let attempts = max(1, attempts)
        var lastError: any Error = CancellationError()
        var made = 0
        for attempt in 1...attempts {
            made = attempt
            do {
                let identity = try await sts.getCallerIdentity()
                guard !identity.arn.isEmpty else {
                    throw RotationError(secret: secret, step: .test, "STS GetCallerIdentity signed with access key \(accessKeyId) returned no ARN", isTestFailure: true)
                }
                return identity.arn
            } catch {
                lastError = error
            }
            guard attempt < attempts else { break }
            do { try await sleep(delay) } catch { break }  // cancelled: stop trying
        }
        if let rotation = lastError as? RotationError { throw rotation }
        let rejected = Self.isRejection(lastError)
        let message = "access key \(accessKeyId) did not work after \(made) attempt\(made == 1 ? "" : "s") of STS GetCallerIdentity: \(Self.describe(lastError))"
        throw RotationError(
            secret: secret, step: .test, Self.redacting(secretAccessKey, in: message),
            isStoreFailure: !rejected, isTestFailure: rejected)
    }

    /// Whether AWS answered and refused the key (as opposed to not answering).
    static func isRejection(_ error: any Error) -> Bool {
        guard let error = error as? AWSError else { return false }
        if error.kind == .timedOut || error.kind == .connectionFailed || error.kind == .malformedResponse { return false }
        if error.isThrottling { return false }
        if let status = error.httpStatus, status >= 500 { return false }
        return true
    }

    /// Defence in depth: no message of this type may hold a secret access key, whatever an
    /// underlying error chose to print.
    static func redacting(_ secretAccessKey: SecretValue, in text: String) -> String {
        let revealed = secretAccessKey.unsafeRevealed
        guard !revealed.isEmpty else { return text }
        return text.replacingEvery(revealed, with: SecretValue.redactionMarker)
    }

    // MARK: Status and deletion

    /// Sets a key `Inactive`: it stops signing, but can be reactivated.
    public func deactivate(user: String, accessKeyId: String, secret: String, step: RotationError.Step = .finish) async throws(RotationError) {
        try await update(user: user, accessKeyId: accessKeyId, status: .inactive, secret: secret, step: step)
    }

    /// Sets a key `Active` again (a rollback of ``deactivate(user:accessKeyId:secret:step:)``).
    public func activate(user: String, accessKeyId: String, secret: String, step: RotationError.Step = .rollback) async throws(RotationError) {
        try await update(user: user, accessKeyId: accessKeyId, status: .active, secret: secret, step: step)
    }

    /// Deletes a key for good.
    public func delete(user: String, accessKeyId: String, secret: String, step: RotationError.Step = .finalize) async throws(RotationError) {
        do {
            try await iam.deleteAccessKey(userName: user, accessKeyId: accessKeyId)
        } catch {
            throw Self.failure(error, secret: secret, step: step, doing: "deleting access key \(accessKeyId) of IAM user \(user)")
        }
    }

    func update(
        user: String, accessKeyId: String, status: IAMClient.AccessKeyStatus, secret: String, step: RotationError.Step
    ) async throws(RotationError) {
        do {
            try await iam.updateAccessKey(userName: user, accessKeyId: accessKeyId, status: status)
        } catch {
            let verb = status == .active ? "activating" : "deactivating"
            throw Self.failure(error, secret: secret, step: step, doing: "\(verb) access key \(accessKeyId) of IAM user \(user)")
        }
    }

    /// After the grace period: deletes every inactive key not in `keep` created before
    /// `olderThan`. A key whose creation date IAM did not give is kept (its age is unknown).
    /// With `dryRun`, only lists them (`ListAccessKeys`), deleting nothing.
    ///
    /// - Returns: the keys deleted (with `dryRun`, the keys that would be).
    @discardableResult
    public func finalize(user: String, keep: Set<String>, olderThan: Date, secret: String, dryRun: Bool = false) async throws(RotationError) -> [Key] {
        let expired = try await keys(user: user, secret: secret, step: .finalize).filter { key in
            guard !key.isActive, !keep.contains(key.id), let created = key.created else { return false }
            return created < olderThan
        }
        if dryRun { return expired }
        for key in expired {
            try await delete(user: user, accessKeyId: key.id, secret: secret, step: .finalize)
        }
        return expired
    }

    // MARK: Errors

    static func failure(_ error: any Error, secret: String, step: RotationError.Step, doing what: String) -> RotationError {
        RotationError(secret: secret, step: step, "\(what) failed: \(describe(error))", isStoreFailure: true)
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}
