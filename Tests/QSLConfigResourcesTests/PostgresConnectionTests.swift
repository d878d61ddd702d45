import Foundation
@testable import QSLConfigResources
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func closeSocket(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #elseif canImport(Darwin)
    _ = Darwin.close(fd)
    #endif
}

/// The private server `scripts/lib/postgres.sh` starts for `scripts/test.sh` (TLS and SCRAM on a
/// free loopback port). Absent when `swift test` runs alone: the tests that need it are skipped.
struct TestPostgres: Sendable {
    var host: String
    var port: String
    var adminUser: String
    var adminPassword: String
    var rootCertificate: String
    var database: String
    /// The server's log (`log_statement = 'all'`), when the script names it.
    var log: String?

    /// Whether the script named a server: the only reason the server tests skip.
    static var available: Bool { ProcessInfo.processInfo.environment["QSL_TEST_POSTGRES_HOST"] != nil }

    struct Incomplete: Error, CustomStringConvertible {
        var description: String
    }

    /// The server the script named; a named server with a missing port or password file is an
    /// error, never a skip.
    static func fromEnvironment() throws -> TestPostgres {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["QSL_TEST_POSTGRES_HOST"], let port = environment["QSL_TEST_POSTGRES_PORT"],
            let passwordFile = environment["QSL_TEST_POSTGRES_PASSWORD_FILE"]
        else { throw Incomplete(description: "QSL_TEST_POSTGRES_HOST is set without QSL_TEST_POSTGRES_PORT or QSL_TEST_POSTGRES_PASSWORD_FILE") }
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8)
        return TestPostgres(
            host: host, port: port, adminUser: environment["QSL_TEST_POSTGRES_USER"] ?? "qsl_admin",
            adminPassword: password.trimmingCharacters(in: .whitespacesAndNewlines),
            rootCertificate: environment["QSL_TEST_POSTGRES_ROOT_CERT"] ?? "", database: environment["QSL_TEST_POSTGRES_DATABASE"] ?? "postgres",
            log: environment["QSL_TEST_POSTGRES_LOG"])
    }

    func connectionString(user: String? = nil, password: String? = nil, sslMode: String = "VerifyFull", extra: String = "") -> String {
        let quotedUser = NpgsqlConnectionString.encode(user ?? adminUser)
        let quotedPassword = NpgsqlConnectionString.encode(password ?? adminPassword)
        return "Host=\(host);Port=\(port);Database=\(database);Username=\(quotedUser);Password=\(quotedPassword);SSL Mode=\(sslMode);Root Certificate=\(rootCertificate);Timeout=5\(extra)"
    }

    func admin() async throws -> PostgresConnection {
        try await PostgresConnection.connect(connectionString())
    }
}

/// A role name no other test run uses.
func uniqueRole(_ prefix: String) -> String {
    "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
}

@Suite(
    "PostgreSQL client against the private server",
    .enabled(if: TestPostgres.available, "QSL_TEST_POSTGRES_HOST is not set: run scripts/test.sh, which starts a private PostgreSQL"))
struct PostgresServerTests {
    let server: TestPostgres

    init() throws {
        server = try TestPostgres.fromEnvironment()
    }

    @Test("SCRAM login over TLS with SSL Mode=Require and VerifyFull", arguments: ["Require", "VerifyFull", "VerifyCA"])
    func scramLogin(_ sslMode: String) async throws {
        let connection = try await PostgresConnection.connect(server.connectionString(sslMode: sslMode))
        let rows = try await connection.query("SELECT 1")
        #expect(rows == [["1"]])
        let tls = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(tls == [["t"]])
        await connection.close()
    }

    @Test("a port written in Host connects with no Port key, and a second server is tried when the first refuses")
    func portInHost() async throws {
        let quoted = NpgsqlConnectionString.encode(server.adminPassword)
        let common = "Database=\(server.database);Username=\(server.adminUser);Password=\(quoted);SSL Mode=VerifyFull;Root Certificate=\(server.rootCertificate);Timeout=5"
        for host in ["\(server.host):\(server.port)", "127.0.0.1:1,\(server.host):\(server.port)"] {
            let connection = try await PostgresConnection.connect("Host=\(host);\(common)")
            #expect(try await connection.query("SELECT 1") == [["1"]], "\(host)")
            await connection.close()
        }
    }

    @Test("VerifyFull without the CA fails the TLS check")
    func verifyFullWithoutRoot() async throws {
        let text = "Host=\(server.host);Port=\(server.port);Username=\(server.adminUser);Password=\(server.adminPassword);SSL Mode=VerifyFull;Root Certificate=/nonexistent/ca.pem"
        await #expect {
            try await PostgresConnection.connect(text)
        } throws: { error in
            (error as? PostgresError)?.kind == .tls
        }
    }

    @Test("SSL Mode=Disable is refused by the server's hostssl-only rules")
    func plaintextRefused() async throws {
        await #expect(throws: PostgresError.self) { try await PostgresConnection.connect(server.connectionString(sslMode: "Disable")) }
    }

    @Test("a wrong password fails naming host and user, never the password")
    func wrongPassword() async throws {
        let wrong = "Wr0ng-\(UUID().uuidString)"
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresConnection.connect(server.connectionString(password: wrong))
        }
        #expect(error.kind == .authentication)
        #expect(error.step == "connect")
        #expect(error.user == server.adminUser)
        #expect(error.description.contains("\(server.host):\(server.port)"))
        #expect(error.description.contains(server.adminUser))
        #expect(!error.description.contains(wrong))
        #expect(!String(reflecting: error).contains(wrong))
    }

    @Test("ALTER ROLE changes the password: the old one fails, the new one works")
    func alterRole() async throws {
        let admin = try await server.admin()
        let role = uniqueRole("qsl_rot")
        // Each password's unique part is what the log check looks for (a logged literal would
        // have its quote doubled).
        let oldMark = UUID().uuidString, newMark = UUID().uuidString
        let old = "old-\(oldMark)", new = "new'\"; \(newMark)"
        try await admin.createRole(role, password: old)
        let login = try await PostgresConnection.connect(server.connectionString(user: role, password: old))
        #expect(try await login.query("SELECT current_user") == [[role]])
        await login.close()

        try await admin.alterRolePassword(role: role, password: new)
        // The server keeps only a SCRAM verifier: the statement never held the plaintext.
        let stored = try await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role])
        let verifier = try #require(stored.first?.first ?? nil)
        #expect(verifier.hasPrefix("SCRAM-SHA-256$"))
        #expect(!verifier.contains(new))
        // Nor did any statement: the server logs every one, the ALTER ROLE with its verifier.
        if let log = server.log {
            let text = try String(contentsOfFile: log, encoding: .utf8)
            #expect(text.contains("ALTER ROLE"), "the server logs statements")
            #expect(!text.contains(newMark) && !text.contains(oldMark), "a password reached the server's log")
        }

        let refused = try await #require(throws: PostgresError.self) {
            try await PostgresConnection.connect(server.connectionString(user: role, password: old))
        }
        #expect(refused.kind == .authentication)
        let renewed = try await PostgresConnection.connect(server.connectionString(user: role, password: new))
        #expect(try await renewed.query("SELECT 1") == [["1"]])
        await renewed.close()
        try await admin.dropRole(role)
        await admin.close()
    }

    @Test("identifiers with quotes are escaped: CREATE ROLE, GRANT, ALTER ROLE")
    func quotedIdentifiers() async throws {
        let admin = try await server.admin()
        let role = "qsl \"quoted\" role; DROP ROLE qsl_admin; -- \(UUID().uuidString.prefix(6))"
        let group = uniqueRole("qsl_group")
        #expect(try await admin.quoteIdentifier("a\"b") == "\"a\"\"b\"")
        try await admin.createRole(group, login: false)
        try await admin.createRole(role, password: "first")
        try await admin.grant(role: group, to: role)
        try await admin.grant(privileges: ["CONNECT"], onDatabase: server.database, to: role)
        let member = try await admin.query(
            "SELECT pg_has_role($1, $2, 'MEMBER')::text", [role, group])
        #expect(member == [["true"]])
        try await admin.alterRolePassword(role: role, password: "second")
        let login = try await PostgresConnection.connect(server.connectionString(user: role, password: "second"))
        #expect(try await login.query("SELECT current_user") == [[role]])
        await login.close()
        // The admin is still there: the name was never read as SQL.
        #expect(try await admin.query("SELECT count(*)::text FROM pg_roles WHERE rolname = $1", [server.adminUser]) == [["1"]])
        let quotedRole = try await admin.quoteIdentifier(role)
        try await admin.query("REVOKE CONNECT ON DATABASE \(try await admin.quoteIdentifier(server.database)) FROM \(quotedRole)")
        try await admin.dropRole(role)
        try await admin.dropRole(group)
        await admin.close()
    }

    @Test("a failed statement names the step, host and user, not the password it carried")
    func statementError() async throws {
        let admin = try await server.admin()
        let secret = "never-\(UUID().uuidString)"
        let error = try await #require(throws: PostgresError.self) {
            try await admin.alterRolePassword(role: uniqueRole("qsl_missing"), password: secret)
        }
        #expect(error.kind == .statement)
        #expect(error.step == "ALTER ROLE")
        #expect(error.sqlState == "42704")
        #expect(error.description.contains(server.host) && error.description.contains(server.adminUser))
        #expect(!error.description.contains(secret))
        await admin.close()
    }
}

@Suite("PostgreSQL client without a server")
struct PostgresConnectionOfflineTests {
    @Test("the connection string maps to libpq's parameters")
    func parameters() throws {
        let parsed = try NpgsqlConnectionString(
            "Server=db;Port=6432;Database=app;User ID=svc;Pwd=x;SSL Mode=VerifyFull;Root Certificate=/ca.pem;Timeout=4")
        let parameters = Dictionary(uniqueKeysWithValues: try PostgresConnection.parameters(for: parsed))
        #expect(parameters["host"] == "db")
        #expect(parameters["port"] == "6432")
        #expect(parameters["dbname"] == "app")
        #expect(parameters["user"] == "svc")
        #expect(parameters["password"] == "x")
        #expect(parameters["sslmode"] == "verify-full")
        #expect(parameters["sslrootcert"] == "/ca.pem")
        #expect(parameters["connect_timeout"] == "4")
        let defaults = Dictionary(uniqueKeysWithValues: try PostgresConnection.parameters(for: NpgsqlConnectionString("Host=db")))
        #expect(defaults["connect_timeout"] == "10")
        #expect(defaults["sslmode"] == "prefer")
        #expect(throws: PostgresError.self) {
            try PostgresConnection.parameters(for: NpgsqlConnectionString("Host=db;SSL Mode=VerifyFull;Trust Server Certificate=true"))
        }
    }

    @Test("Host may name its servers' ports, as Npgsql reads it: libpq gets one host list and one port per host")
    func hostWithPorts() throws {
        func mapped(_ text: String) throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try PostgresConnection.parameters(for: NpgsqlConnectionString(text)))
        }
        let pair = try mapped("Host=db1:5433,db2;Port=6000")
        #expect(pair["host"] == "db1,db2" && pair["port"] == "5433,6000")
        let bare = try mapped("Host=db1:5433,db2")
        #expect(bare["host"] == "db1,db2" && bare["port"] == "5433,5432")
        let single = try mapped("Host=db.internal:6432")
        #expect(single["host"] == "db.internal" && single["port"] == "6432")
        let bracketed = try mapped("Host=[::1]:5433")
        #expect(bracketed["host"] == "::1" && bracketed["port"] == "5433")
        let address = try mapped("Host=fe80::1;Port=7000")
        #expect(address["host"] == "fe80::1" && address["port"] == "7000")
        let socket = try mapped("Host=/var/run/postgresql")
        #expect(socket["host"] == "/var/run/postgresql" && socket["port"] == nil)
        let plain = try mapped("Host=db;Port=6432")
        #expect(plain["host"] == "db" && plain["port"] == "6432")
        #expect(PostgresConnection.endpoint(of: try NpgsqlConnectionString("Host=db1:5433,[::1];Port=6000")) == "db1:5433,[::1]:6000")
        for bad in ["Host=db:http", "Host=db:0", "Host=db1,,db2", "Host=[::1", "Host=[::1]x", "Host=:5432"] {
            #expect(throws: PostgresError.self, "\(bad)") { try PostgresConnection.parameters(for: NpgsqlConnectionString(bad)) }
        }
    }

    @Test("a server that accepts TCP but never answers ends in a timeout error")
    func connectTimeout() async throws {
        // A loopback socket that listens and never accepts: the kernel completes the handshake,
        // nobody ever answers libpq's SSLRequest, and connect_timeout (2 s, libpq's least) ends it.
        let listener = try SilentListener()
        defer { listener.close() }
        // Not a time limit: should libpq ever wait past connect_timeout, closing the listener
        // resets the pending connection, and the kind below is then `.connection`, not a hang.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            listener.close()
        }
        defer { watchdog.cancel() }
        let secret = "pw-\(UUID().uuidString)"
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresConnection.connect("Host=127.0.0.1;Port=\(listener.port);Username=u;Password=\(secret);SSL Mode=Require;Timeout=2")
        }
        #expect(error.kind == .timeout, "\(error)")
        #expect(error.description.contains("127.0.0.1:\(listener.port)"))
        #expect(!error.description.contains(secret))
    }

    @Test("messages lose every password the connection knows; steps are the statement's first words")
    func scrubbing() {
        let message = "connection to server failed: invalid option password=hunter2 and again hunter2\n"
        let scrubbed = PostgresConnection.scrub(message, secrets: ["hunter2", ""])
        #expect(scrubbed == "connection to server failed: invalid option password=*** and again ***")
        #expect(PostgresConnection.stepName(of: "alter role \"x\" PASSWORD 'SCRAM-SHA-256$...'") == "ALTER ROLE")
        #expect(PostgresConnection.stepName(of: "SELECT 1") == "SELECT")
        #expect(PostgresConnection.classify(connectMessage: "timeout expired") == .timeout)
        #expect(PostgresConnection.classify(connectMessage: "FATAL:  password authentication failed for user \"u\"") == .authentication)
        #expect(PostgresConnection.classify(connectMessage: "SSL error: certificate verify failed") == .tls)
        #expect(PostgresConnection.classify(connectMessage: "Connection refused") == .connection)
    }
}

/// A TCP socket on 127.0.0.1, bound to a free port and listening, that never accepts.
final class SilentListener: Sendable {
    private let fd: Mutex<Int32?>
    let port: UInt16

    struct Failure: Error { var call: String }

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(call: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 8) == 0 else {
            closeSocket(fd)
            throw Failure(call: "bind/listen")
        }
        var actual = sockaddr_in()
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.fd = Mutex(fd)
        self.port = UInt16(bigEndian: actual.sin_port)
    }

    /// Closes the socket once, however many times it is called.
    func close() {
        fd.withLock { fd in
            if let open = fd { closeSocket(open) }
            fd = nil
        }
    }
}
