import QSLConfig
import QSLConfigCore
import QSLConfigResources

/// PostgreSQL passwords, rotated at the server in step with the secret. The secret is an
/// Npgsql/ADO.NET connection string; only its password (and, for alternating users, its user)
/// changes, every other byte stays. The strategy is the tag `qsl:strategy`, else the
/// environment's rotation policy (`"strategy"`), else `single-user`.
///
/// **single-user** (one role; by design a client holding the old password fails until it
/// reloads, a window the zero-failed-logins harness measures):
/// - *set:* log in with the pending value; if that works, done (a resumed run). Otherwise log in
///   with the current, then the previous value, and `ALTER ROLE <role> PASSWORD` with the role
///   quoted by libpq and the password sent as a SCRAM verifier (never plaintext in a statement or
///   the server's log).
/// - *test:* log in with the new value and `SELECT 1`.
///
/// **alternating-users** (two roles, `<role>` and `<role>_clone`; zero failed logins):
/// - *set:* as the master whose connection string the secret named by `qsl:master-secret`
///   holds, create or update the role that is not current (the pending version always names it).
/// - *privileges:* `GRANT role` membership alone does not let one role use what the other
///   created. Both roles are members of a shared owner role `<role>_owner` and run every session
///   as it (`ALTER ROLE ... SET role = '<role>_owner'`), so whatever either creates is owned by
///   the owner role and the other can use it. Objects the base role owned before the first
///   rotation are moved once with `REASSIGN OWNED BY <role> TO <role>_owner`.
/// - *PostgreSQL 16:* granting membership needs `ADMIN OPTION` on the owner role; the master
///   gets it by creating the role, else the error says to `GRANT <owner> TO <master> WITH ADMIN
///   OPTION`.
/// - *test:* log in as the new role, `SELECT 1`.
///
/// Errors say which step failed, on which host and as which user; never a password.
struct PostgresStrategy: RotationStrategy {
    /// `set` puts the new password at the server(s); only the pending version records it.
    var setLeavesValueAtResource: Bool { true }

    let store: any SecretStore

    enum Kind: String {
        case singleUser = "single-user"
        case alternatingUsers = "alternating-users"
    }

    static func kind(_ target: RotationTarget) throws(RotationError) -> Kind {
        let name = target.tags["qsl:strategy"] ?? target.policy?.strategy ?? Kind.singleUser.rawValue
        guard let kind = Kind(rawValue: name) else {
            throw RotationError(secret: target.name, step: .plan, "unknown PostgreSQL strategy '\(name)'; the strategies are single-user and alternating-users")
        }
        return kind
    }

    static func parse(_ value: String, target: RotationTarget, step: RotationError.Step) throws(RotationError) -> NpgsqlConnectionString {
        let string: NpgsqlConnectionString
        do { string = try NpgsqlConnectionString(value) } catch {
            throw RotationError(secret: target.name, step: step, "the secret is not an Npgsql connection string: \(error)")
        }
        guard let user = string.username, !user.isEmpty, string.host != nil else {
            throw RotationError(secret: target.name, step: step, "the connection string names no host or no user")
        }
        return string
    }

    /// The base role: the current user without its `_clone` suffix.
    static func baseRole(_ user: String) -> String { user.hasSuffix("_clone") ? String(user.dropLast("_clone".count)) : user }

    func newValue(current: String, target: RotationTarget) async throws(RotationError) -> String {
        let string = try Self.parse(current, target: target, step: .create)
        let password: String
        do { password = try GeneratedSecret.value(length: max(32, target.policy?.length ?? 40)) } catch {
            throw RotationError(secret: target.name, step: .create, "no random bytes: \(error)", isStoreFailure: true)
        }
        switch try Self.kind(target) {
        case .singleUser:
            return string.replacing(password: password)
        case .alternatingUsers:
            let user = string.username!
            let other = user.hasSuffix("_clone") ? Self.baseRole(user) : user + "_clone"
            return string.replacing(password: password, username: other)
        }
    }

    func set(pending: String, current: String, target: RotationTarget) async throws(RotationError) {
        let new = try Self.parse(pending, target: target, step: .set)
        if try Self.kind(target) == .alternatingUsers {
            try await setAlternating(new: new, current: try Self.parse(current, target: target, step: .set), target: target)
            return
        }
        // Already set by a run that stopped after it?
        if let connection = try? await PostgresConnection.connect(new) {
            await connection.close()
            return
        }
        var candidates = [current]
        if let previous = try? await text(target.name, stage: "AWSPREVIOUS") { candidates.append(previous) }
        var lastError: (any Error)?
        for candidate in candidates {
            guard let string = try? NpgsqlConnectionString(candidate) else { continue }
            do {
                let connection = try await PostgresConnection.connect(string)
                defer { Task { await connection.close() } }
                try await connection.alterRolePassword(role: new.username!, password: new.password ?? "")
                return
            } catch {
                lastError = error
                if (error as? PostgresError)?.kind != .authentication { break }
            }
        }
        throw RotationError(
            secret: target.name, step: .set,
            "\(PostgresConnection.endpoint(of: new)) as \(new.username!): cannot change the password: \(lastError.map { "\($0)" } ?? "no working password")",
            isStoreFailure: (lastError as? PostgresError)?.kind != .authentication)
    }

    func setAlternating(new: NpgsqlConnectionString, current: NpgsqlConnectionString, target: RotationTarget) async throws(RotationError) {
        guard let masterName = target.tags["qsl:master-secret"] else {
            throw RotationError(secret: target.name, step: .set, "alternating users need the tag qsl:master-secret naming the secret with the master's connection string")
        }
        let master = try Self.parse(try await text(masterName, stage: "AWSCURRENT"), target: target, step: .set)
        let role = new.username!
        let base = Self.baseRole(role)
        let owner = base + "_owner"
        let connection: PostgresConnection
        do { connection = try await PostgresConnection.connect(master) } catch {
            throw RotationError(secret: target.name, step: .set, "\(PostgresConnection.endpoint(of: master)) as \(master.username!): the master cannot log in: \(error)", isStoreFailure: true)
        }
        defer { Task { await connection.close() } }
        func exists(_ name: String) async throws -> Bool {
            try await !connection.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name], step: "look up role \(name)").isEmpty
        }
        func isMember(_ member: String, of group: String) async throws -> Bool {
            try await !connection.query(
                "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = $1 AND u.rolname = $2",
                [group, member], step: "look up \(member)'s membership of \(group)"
            ).isEmpty
        }
        func runsAs(_ member: String, _ group: String) async throws -> Bool {
            try await !connection.query(
                "SELECT 1 FROM pg_db_role_setting s JOIN pg_roles u ON u.oid = s.setrole WHERE u.rolname = $1 AND s.setdatabase = 0 AND $2 = ANY(s.setconfig)",
                [member, "role=" + group], step: "look up \(member)'s session role"
            ).isEmpty
        }
        do {
            // The pair is set up once, from the base role, and is set up when its last step is
            // done: the base role a member of the owner role and its sessions run as it (a DBA
            // may make the owner role, or grant it, beforehand). Until then, a current user that
            // merely ends in `_clone`, or a clone role qsl-config did not make, would hand another
            // role's password and objects to this secret; the steps are redone, each idempotent,
            // after a run that stopped among them.
            let ownerExists = try await exists(owner)
            let member = try await ownerExists ? isMember(base, of: owner) : false
            let setUp = try await member ? runsAs(base, owner) : false
            if !setUp {
                guard current.username == base else {
                    throw RotationError(
                        secret: target.name, step: .set,
                        "alternating users start from the base role, but the current user \(current.username ?? "") ends in _clone, and the pair is not set up (\(base) is not a member of \(owner)); put the base role's string in the secret, or use the single-user strategy")
                }
                guard try await !exists(role) else {
                    throw RotationError(
                        secret: target.name, step: .set,
                        "the role \(role) exists, but the pair is not set up (\(base) is not a member of \(owner)): qsl-config did not make \(role), and would take it over; drop or rename it, or use the single-user strategy")
                }
                if !ownerExists { try await connection.createRole(owner, login: false) }
                // What the base role owned so far belongs to the owner role from now on.
                let quotedBase = try await connection.quoteIdentifier(base)
                let quotedOwner = try await connection.quoteIdentifier(owner)
                if try await exists(base) {
                    try await connection.grant(role: owner, to: base)
                    _ = try await connection.query("REASSIGN OWNED BY \(quotedBase) TO \(quotedOwner)", step: "reassign \(base)'s objects to \(owner)")
                    _ = try await connection.query("ALTER ROLE \(quotedBase) SET role = \(quotedOwner)", step: "run \(base)'s sessions as \(owner)")
                }
            }
            if try await exists(role) {
                try await connection.alterRolePassword(role: role, password: new.password ?? "")
            } else {
                try await connection.createRole(role, password: new.password ?? "")
            }
            try await connection.grant(role: owner, to: role)
            let quotedRole = try await connection.quoteIdentifier(role)
            let quotedOwner = try await connection.quoteIdentifier(owner)
            _ = try await connection.query("ALTER ROLE \(quotedRole) SET role = \(quotedOwner)", step: "run \(role)'s sessions as \(owner)")
            if let database = new.database {
                try await connection.grant(privileges: ["CONNECT"], onDatabase: database, to: role)
            }
        } catch let refusal as RotationError {
            throw refusal
        } catch {
            let text = "\(error)"
            let hint = text.contains("ADMIN") || text.contains("permission denied")
                ? " (PostgreSQL 16 and later: the master needs ADMIN OPTION on \(owner): GRANT \(owner) TO \(master.username!) WITH ADMIN OPTION)" : ""
            throw RotationError(
                secret: target.name, step: .set, "\(PostgresConnection.endpoint(of: master)) as \(master.username!): setting up \(role): \(text)\(hint)",
                isStoreFailure: (error as? PostgresError).map { $0.kind != .statement && $0.kind != .authentication } ?? true)
        }
    }

    func test(pending: String, target: RotationTarget) async throws(RotationError) {
        let new = try Self.parse(pending, target: target, step: .test)
        do {
            let connection = try await PostgresConnection.connect(new)
            defer { Task { await connection.close() } }
            let rows = try await connection.query("SELECT 1", step: "SELECT 1")
            guard rows.first?.first == "1" else { throw RotationError(secret: target.name, step: .test, "SELECT 1 returned \(rows)", isTestFailure: true) }
        } catch let error as RotationError {
            throw error
        } catch {
            throw RotationError(secret: target.name, step: .test, "\(PostgresConnection.endpoint(of: new)) as \(new.username!): the new value does not log in: \(error)", isTestFailure: true)
        }
    }

    func retire(old: String, new: String, target: RotationTarget) async throws(RotationError) {
        // single-user: the old password stopped working at set. alternating-users: the old role
        // keeps working until the next rotation gives it a new password.
    }


    func text(_ name: String, stage: String) async throws(RotationError) -> String {
        try await store.rotationText(SecretVersionSelector(secretId: name, versionStage: stage), step: .set)
    }

    /// Rollback: the previous value made to work at the server again (single-user: its password
    /// set back; alternating: the previous role's password set as recorded) and tested, before
    /// the labels move.
    static func rollbackHooks(for description: SecretDescription, store: any SecretStore, policy: EnvironmentDefinition.RotationPolicy?) -> SecretRollback.Hooks? {
        guard description.tags["qsl:kind"] == "postgres" else { return nil }
        let strategy = PostgresStrategy(store: store)
        let target = RotationTarget(name: description.name, kind: "postgres", tags: description.tags, policy: policy)
        return SecretRollback.Hooks(
            before: { previous, current throws(RotationError) in
                try await strategy.set(pending: previous, current: current, target: target)
                try await strategy.test(pending: previous, target: target)
            },
            after: { _, _ throws(RotationError) in })
    }
}
