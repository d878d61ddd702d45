import Foundation
import QSLConfig
import QSLConfigCore
@testable import QSLConfigOperations
import QSLConfigResources
import QSLConfigTesting
import Synchronization
import Testing

enum PostgresTestServer {
    static var isAvailable: Bool { ProcessInfo.processInfo.environment["QSL_TEST_POSTGRES_HOST"] != nil }
}

/// PostgreSQL rotation against the private TLS, SCRAM-only server `scripts/test.sh` starts
/// (`scripts/lib/postgres.sh`).
@Suite("PostgreSQL rotation on a real server", .serialized, .enabled(if: PostgresTestServer.isAvailable, "no private PostgreSQL: QSL_TEST_POSTGRES_* are unset (scripts/test.sh starts one)"))
struct PostgresRotationTests {
    struct Server {
        var host: String
        var port: Int
        var admin: String
        var adminPassword: String
        var rootCert: String
        var database: String
        var log: String?

        func string(user: String, password: String) -> String {
            "Host=\(host);Port=\(port);Database=\(database);Username=\(user);Password=\(password);SSL Mode=VerifyFull;Root Certificate=\(rootCert);Timeout=10"
        }
    }

    static func server() throws -> Server {
        let env = ProcessInfo.processInfo.environment
        let host = try #require(env["QSL_TEST_POSTGRES_HOST"])
        let port = try #require(env["QSL_TEST_POSTGRES_PORT"].flatMap(Int.init))
        let passwordFile = try #require(env["QSL_TEST_POSTGRES_PASSWORD_FILE"])
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return Server(
            host: host, port: port, admin: try #require(env["QSL_TEST_POSTGRES_USER"]), adminPassword: password,
            rootCert: try #require(env["QSL_TEST_POSTGRES_ROOT_CERT"]), database: env["QSL_TEST_POSTGRES_DATABASE"] ?? "postgres",
            log: env["QSL_TEST_POSTGRES_LOG"])
    }

    static func logsIn(_ text: String) async -> Bool {
        guard let connection = try? await PostgresConnection.connect(text) else { return false }
        defer { Task { await connection.close() } }
        return (try? await connection.query("SELECT 1").first?.first) == "1"
    }

    /// A role with a first password, a store holding its string (tagged with `strategy`) and the
    /// master's string.
    static func fixture(_ server: Server, strategy: String) async throws -> (RotationOperationTests.Fixture, role: String, first: String) {
        let f = try RotationOperationTests.Fixture()
        let role = "app_" + UUID().uuidString.prefix(8).lowercased()
        let first = "first-" + UUID().uuidString.prefix(12)
        let admin = try await PostgresConnection.connect(server.string(user: server.admin, password: server.adminPassword))
        try await admin.createRole(role, password: first)
        try await admin.grant(privileges: ["CONNECT", "CREATE"], onDatabase: server.database, to: role)
        _ = try await admin.query("GRANT CREATE ON SCHEMA public TO \(try await admin.quoteIdentifier(role))")
        await admin.close()
        _ = try await f.store.createSecret(
            CreateSecretRequest(name: "qsl/prod/neon/master", value: .string(SecretValue(server.string(user: server.admin, password: server.adminPassword))), clientRequestToken: UUID().uuidString))
        try await f.create(
            "qsl/prod/neon/app", server.string(user: role, password: first), kind: "postgres",
            tags: ["qsl:strategy": strategy, "qsl:master-secret": "qsl/prod/neon/master"])
        return (f, role, first)
    }

    static func rotate(_ f: RotationOperationTests.Fixture) async throws -> RotationReport {
        try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/neon/app"] })
    }

    @Test("single-user: ALTER ROLE with a verifier; the new password works, the old one no longer; only the password changed in the string, and no password reached the server's log")
    func singleUser() async throws {
        let server = try Self.server()
        let (f, role, first) = try await Self.fixture(server, strategy: "single-user")
        let report = try await Self.rotate(f)
        #expect(report.entries.map(\.status) == [.rotated], "\(report.text())")
        let new = try await f.value("qsl/prod/neon/app")
        let password = try #require(try NpgsqlConnectionString(new).password)
        #expect(new == server.string(user: role, password: password))
        #expect(await Self.logsIn(new))
        #expect(await Self.logsIn(server.string(user: role, password: first)) == false)
        if let log = server.log {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(!text.contains(password), "the new password is in the server's log")
        }
    }

    @Test("alternating users: the pending version names the role that is not current; each can use what the other created; the old role keeps working until the next rotation")
    func alternating() async throws {
        let server = try Self.server()
        let (f, role, first) = try await Self.fixture(server, strategy: "alternating-users")
        // The base role creates a table before any rotation.
        let base = try await PostgresConnection.connect(server.string(user: role, password: first))
        let table = "t_" + role
        _ = try await base.query("CREATE TABLE \(table) (v int)")
        _ = try await base.query("INSERT INTO \(table) VALUES (1)")
        await base.close()

        let firstRotation = try await Self.rotate(f)
        #expect(firstRotation.entries.map(\.status) == [.rotated], "\(firstRotation.text())")
        let clone = try NpgsqlConnectionString(try await f.value("qsl/prod/neon/app"))
        #expect(clone.username == role + "_clone")
        // Privileges belong to the owner role both users run as: the operator grants them there
        // once (the README says so); ownership of existing objects moved by itself.
        let admin = try await PostgresConnection.connect(server.string(user: server.admin, password: server.adminPassword))
        _ = try await admin.query("GRANT CREATE ON SCHEMA public TO \(try await admin.quoteIdentifier(role + "_owner"))")
        await admin.close()
        let cloneConnection = try await PostgresConnection.connect(clone)
        #expect(try await cloneConnection.query("SELECT v FROM \(table)").first?.first == "1", "the clone reads what the base role created")
        _ = try await cloneConnection.query("CREATE TABLE \(table)_2 (v int)")
        await cloneConnection.close()
        #expect(await Self.logsIn(server.string(user: role, password: first)), "the previous role still works")

        let second = try await Self.rotate(f)
        #expect(second.entries.map(\.status) == [.rotated])
        let back = try NpgsqlConnectionString(try await f.value("qsl/prod/neon/app"))
        #expect(back.username == role && back.password != first)
        let baseAgain = try await PostgresConnection.connect(back)
        #expect(try await baseAgain.query("SELECT count(*) FROM \(table)_2").first?.first == "0", "the base role reads what the clone created")
        await baseAgain.close()
        #expect(await Self.logsIn(server.string(user: role, password: first)) == false, "the base role has its new password")
        #expect(await Self.logsIn(clone.text), "the clone keeps its password until the next rotation")
    }

    @Test("alternating users never take over a role they did not set up: a current user that merely ends in _clone, or a clone role made by someone else")
    func alternatingRefusesForeignRoles() async throws {
        let server = try Self.server()
        let admin = try await PostgresConnection.connect(server.string(user: server.admin, password: server.adminPassword))
        defer { Task { await admin.close() } }

        // The secret's user is `report_clone`; `report` is someone else's role.
        let base = "report_" + UUID().uuidString.prefix(8).lowercased()
        try await admin.createRole(base, password: "their-password")
        try await admin.createRole(base + "_clone", password: "clone-password")
        let f = try RotationOperationTests.Fixture()
        _ = try await f.store.createSecret(
            CreateSecretRequest(name: "qsl/prod/neon/master", value: .string(SecretValue(server.string(user: server.admin, password: server.adminPassword))), clientRequestToken: UUID().uuidString))
        try await f.create(
            "qsl/prod/neon/app", server.string(user: base + "_clone", password: "clone-password"), kind: "postgres",
            tags: ["qsl:strategy": "alternating-users", "qsl:master-secret": "qsl/prod/neon/master"])
        let report = try await Self.rotate(f)
        #expect(report.entries.map(\.status) == [.failed], "\(report.text())")
        #expect(report.text().contains("ends in _clone, and the pair is not set up (\(base) is not a member of \(base)_owner)"), "\(report.text())")
        #expect(await Self.logsIn(server.string(user: base, password: "their-password")), "the other role keeps its password")
        #expect(try await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [base + "_owner"]).isEmpty, "no owner role made")

        // The secret's user is the base role, but a role named like its clone already exists.
        let (g, role, _) = try await Self.fixture(server, strategy: "alternating-users")
        try await admin.createRole(role + "_clone", password: "someone-elses")
        let second = try await Self.rotate(g)
        #expect(second.entries.map(\.status) == [.failed], "\(second.text())")
        #expect(second.text().contains("qsl-config did not make \(role)_clone"), "\(second.text())")
        #expect(await Self.logsIn(server.string(user: role + "_clone", password: "someone-elses")), "that role keeps its password")

        // An owner role a DBA made beforehand (to grant it privileges) does not count as the
        // pair set up: the foreign clone is still refused.
        try await admin.createRole(role + "_owner", login: false)
        let third = try await Self.rotate(g)
        #expect(third.entries.map(\.status) == [.failed], "\(third.text())")
        #expect(third.text().contains("qsl-config did not make \(role)_clone"), "\(third.text())")
        #expect(await Self.logsIn(server.string(user: role + "_clone", password: "someone-elses")))

        // An owner role made beforehand, with the base role already in it, and no clone yet: the
        // set-up is finished (the base role's sessions run as the owner) and the rotation done.
        let (h, fresh, _) = try await Self.fixture(server, strategy: "alternating-users")
        try await admin.createRole(fresh + "_owner", login: false)
        try await admin.grant(role: fresh + "_owner", to: fresh)
        let fourth = try await Self.rotate(h)
        #expect(fourth.entries.map(\.status) == [.rotated], "\(fourth.text())")
        #expect(try await !admin.query("SELECT 1 FROM pg_db_role_setting s JOIN pg_roles u ON u.oid = s.setrole WHERE u.rolname = $1 AND $2 = ANY(s.setconfig)", [fresh, "role=" + fresh + "_owner"]).isEmpty)
        #expect(await Self.logsIn(try await h.value("qsl/prod/neon/app")))
    }

    /// The harness, logging in to PostgreSQL.
    static func harness(_ f: RotationOperationTests.Fixture) async throws -> LoginHarness.Result {
        let result = try await LoginHarness.run(f, secret: "qsl/prod/neon/app") { await logsIn($0) }
        print("postgres rotation: \(result.perRotation) per rotation")
        return result
    }

    @Test("alternating users: a client logging in throughout 20 rotations never fails")
    func alternatingZeroFailedLogins() async throws {
        let (f, _, _) = try await Self.fixture(try Self.server(), strategy: "alternating-users")
        let result = try await Self.harness(f)
        print("postgres alternating-users: \(result.rotated) rotations, \(result.attempts) logins, \(result.failures) failed")
        #expect(result.rotated == 20 && result.attempts > 20)
        #expect(result.failures == 0)
    }

    @Test("single-user: the failure window a client sees over 20 rotations is measured (by design not zero)")
    func singleUserWindow() async throws {
        let (f, _, _) = try await Self.fixture(try Self.server(), strategy: "single-user")
        let result = try await Self.harness(f)
        print("postgres single-user: \(result.rotated) rotations, \(result.attempts) logins, \(result.failures) failed")
        #expect(result.rotated == 20 && result.attempts > 20)
        #expect(result.failures < result.attempts, "most logins work")
    }

    @Test("rollback sets the previous password at the server and tests it before the labels move")
    func rollback() async throws {
        let server = try Self.server()
        let (f, role, first) = try await Self.fixture(server, strategy: "single-user")
        _ = try await Self.rotate(f)
        let rotated = try await f.value("qsl/prod/neon/app")
        let operation = RollbackOperation(store: f.store, definition: try PlatformRoot(path: f.root).environment("prod")) { throw CancellationError() }
        _ = try await operation.secret("qsl/prod/neon/app")
        #expect(try await f.value("qsl/prod/neon/app") == server.string(user: role, password: first))
        #expect(await Self.logsIn(server.string(user: role, password: first)))
        #expect(await Self.logsIn(rotated) == false)
    }

    @Test("rollback with alternating users: AWSCURRENT names the previous role again, which logs in")
    func rollbackAlternating() async throws {
        let server = try Self.server()
        let (f, role, first) = try await Self.fixture(server, strategy: "alternating-users")
        _ = try await Self.rotate(f)
        let clone = try NpgsqlConnectionString(try await f.value("qsl/prod/neon/app"))
        #expect(clone.username == role + "_clone")
        let operation = RollbackOperation(store: f.store, definition: try PlatformRoot(path: f.root).environment("prod")) { throw CancellationError() }
        _ = try await operation.secret("qsl/prod/neon/app")
        let back = try await f.value("qsl/prod/neon/app")
        #expect(back == server.string(user: role, password: first))
        #expect(await Self.logsIn(back))
    }
}
