import QSLConfig
import QSLConfigCore
import QSLConfigRedis

/// Redis passwords, with two valid at once: Redis ACL users may hold several passwords.
///
/// The secret is a StackExchange.Redis string (`host:port[,host:port...],user=...,password=...,
/// ssl=True,sslHost=...`); only its password changes, every other byte stays.
///
/// - **set:** on every node the string lists, `ACL SETUSER <user> ><new>` while the old password
///   stays valid, then the users written where the node keeps them (`ACL SAVE` with an
///   `aclfile`, else `CONFIG REWRITE` of its config file), so a restart keeps them. ACL changes do not
///   replicate, hence every node; a node that fails leaves the rotation unfinished and resumable.
///   The commands run as the user itself (its current, pending or previous password, whichever
///   works), or as the admin whose string the secret named by the tag `qsl:master-secret` holds.
/// - **test:** `AUTH` with the new password, then `PING`, on every node.
/// - **retire:** `ACL SETUSER <user> <<old>` on every node; "password not set" counts as done, so
///   a resumed run succeeds.
///
/// A node with no ACL user in the string (the legacy `requirepass` of the `default` user) is
/// refused with a clear message: changing `requirepass` cannot keep two passwords valid.
///
/// The CA to trust is the file the tag `qsl:ca-file` names, else the system's.
struct RedisStrategy: RotationStrategy {
    /// `set` puts the new password at the server(s); only the pending version records it.
    var setLeavesValueAtResource: Bool { true }

    let store: any SecretStore

    static func parse(_ value: String, target: RotationTarget, step: RotationError.Step) throws(RotationError) -> RedisConnectionString {
        let string: RedisConnectionString
        do { string = try RedisConnectionString(value) } catch {
            throw RotationError(secret: target.name, step: step, "the secret is not a StackExchange.Redis connection string: \(error)")
        }
        guard let user = string.user, !user.isEmpty, user != "default" else {
            throw RotationError(
                secret: target.name, step: step,
                "the connection string names no ACL user: the default user's requirepass cannot hold two passwords at once, so rotating it would fail logins; create an ACL user and put user=NAME in the string")
        }
        guard !string.endpoints.isEmpty else { throw RotationError(secret: target.name, step: step, "the connection string names no endpoint") }
        return string
    }

    func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String {
        let string = try Self.parse(current, target: target, step: .create)
        let password: String
        do { password = try GeneratedSecret.value(length: max(32, target.policy?.length ?? 48)) } catch {
            throw RotationError(secret: target.name, step: .create, "no random bytes: \(error)", isStoreFailure: true)
        }
        do { return try string.replacingPassword(with: password).text } catch {
            throw RotationError(secret: target.name, step: .create, "cannot write the new password into the string: \(error)")
        }
    }

    func set(pending: String, current: String, target: RotationTarget) async throws(RotationError) {
        let new = try Self.parse(pending, target: target, step: .set)
        let old = try Self.parse(current, target: target, step: .set)
        let previous = try? await text(target.name, stage: "AWSPREVIOUS")
        let candidates = [old.password, new.password, previous.flatMap { try? RedisConnectionString($0).password }].compactMap { $0 }
        try await onEveryNode(new, target: target, step: .set, login: candidates) { connection, user in
            try await connection.aclAddPassword(user: user, password: new.password ?? "")
            try await connection.persistUsers()
        }
    }

    func test(pending: String, target: RotationTarget) async throws(RotationError) {
        let new = try Self.parse(pending, target: target, step: .test)
        for index in new.endpoints.indices {
            let connection = try await connect(new, endpoint: index, target: target, step: .test)
            do {
                try await connection.auth(user: new.user, password: new.password ?? "")
                _ = try await connection.ping()
                await connection.quit()
            } catch {
                await connection.close()
                throw RotationError(
                    secret: target.name, step: .test, "\(new.endpoints[index]) as \(new.user ?? "?"): the new password does not log in: \(error)", isTestFailure: true)
            }
        }
    }

    func retire(old: String, new: String, target: RotationTarget) async throws(RotationError) {
        let newString = try Self.parse(new, target: target, step: .finish)
        let oldString = try Self.parse(old, target: target, step: .finish)
        guard let oldPassword = oldString.password, oldPassword != newString.password else { return }
        try await onEveryNode(newString, target: target, step: .finish, login: [newString.password ?? ""]) { connection, user in
            do {
                try await connection.aclRemovePassword(user: user, password: oldPassword)
            } catch let error as RedisError where error.kind == .passwordNotSet {
                // Already removed by a run that stopped before recording it.
            }
            try await connection.persistUsers()
        }
    }

    /// Runs `body` on every node, logged in as the admin of `qsl:master-secret`, else as the user
    /// with the first of `login` that works.
    func onEveryNode(
        _ string: RedisConnectionString, target: RotationTarget, step: RotationError.Step, login: [String],
        _ body: @Sendable (RedisConnection, String) async throws -> Void
    ) async throws(RotationError) {
        let user = string.user ?? ""
        var admin: (user: String?, password: String)?
        if let master = target.tags["qsl:master-secret"] {
            let value = try await text(master, stage: "AWSCURRENT")
            guard let adminString = try? RedisConnectionString(value), let password = adminString.password else {
                throw RotationError(secret: target.name, step: step, "the secret \(master) that qsl:master-secret names is not a Redis connection string with a password")
            }
            admin = (adminString.user, password)
        }
        for index in string.endpoints.indices {
            let connection = try await connect(string, endpoint: index, target: target, step: step)
            var loggedIn = false
            var failure: (any Error)?
            for password in (admin.map { [$0.password] } ?? login) {
                do {
                    try await connection.auth(user: admin?.user ?? user, password: password)
                    loggedIn = true
                    break
                } catch {
                    failure = error
                    if (error as? RedisError)?.kind != .authenticationFailed { break }
                }
            }
            guard loggedIn else {
                await connection.close()
                throw RotationError(
                    secret: target.name, step: step,
                    "\(string.endpoints[index]): cannot log in as \(admin?.user ?? user) with any known password: \(failure.map { "\($0)" } ?? "no password")",
                    isStoreFailure: !((failure as? RedisError)?.kind == .authenticationFailed))
            }
            do {
                try await body(connection, user)
                await connection.quit()
            } catch {
                await connection.close()
                // NOPERM (the user lacks the command) is the server refusing, not the store or the
                // network failing; any other error reply may pass (LOADING, BUSY, "ERR max number
                // of clients reached", a config file briefly unwritable): retried, exit 3.
                let refused = (error as? RedisError).map { $0.kind == .authenticationFailed || ($0.kind == .server && $0.serverCode == "NOPERM") } ?? false
                throw RotationError(secret: target.name, step: step, "\(string.endpoints[index]) for user \(user): \(error)", isStoreFailure: !refused)
            }
        }
    }

    func connect(_ string: RedisConnectionString, endpoint: Int, target: RotationTarget, step: RotationError.Step) async throws(RotationError) -> RedisConnection {
        do {
            let options = try RedisConnectionOptions(string, endpoint: endpoint, caFile: target.tags["qsl:ca-file"])
            return try await RedisConnection.connect(options)
        } catch {
            throw RotationError(secret: target.name, step: step, "\(string.endpoints[endpoint]): \(error)", isStoreFailure: true)
        }
    }

    func text(_ name: String, stage: String) async throws(RotationError) -> String {
        try await store.rotationText(SecretVersionSelector(secretId: name, versionStage: stage), step: .set)
    }

    /// Rollback of a Redis password: the previous password added back on every node and tested
    /// before the labels move, the current one removed after.
    static func rollbackHooks(for description: SecretDescription, store: any SecretStore) -> SecretRollback.Hooks? {
        guard description.tags["qsl:kind"] == "redis" else { return nil }
        let strategy = RedisStrategy(store: store)
        let target = RotationTarget(name: description.name, kind: "redis", tags: description.tags)
        return SecretRollback.Hooks(
            before: { previous, current throws(RotationError) in
                try await strategy.set(pending: previous, current: current, target: target)
                try await strategy.test(pending: previous, target: target)
            },
            after: { previous, current throws(RotationError) in
                try await strategy.retire(old: current, new: previous, target: target)
            })
    }
}
