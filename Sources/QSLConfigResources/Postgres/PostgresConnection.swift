import CLibPQ
import QSLConfigCore
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A PostgreSQL failure: the step, the host and the user, and libpq's message with every password
/// this connection knows scrubbed from it. Never the password.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection string asks for something this client cannot do.
        case configuration
        /// The server was not reached, or closed the connection.
        case connection
        /// A deadline passed: `Timeout` for the whole connection (TLS and login included), or
        /// `Command Timeout` for a statement (the connection is then closed).
        case timeout
        /// The TLS handshake or the server's certificate failed.
        case tls
        /// The server refused the user or the password.
        case authentication
        /// A statement failed.
        case statement
    }

    public var kind: Kind
    /// `connect`, `SELECT 1`, `ALTER ROLE`, `CREATE ROLE`, `GRANT`, ...
    public var step: String
    /// `host:port`.
    public var host: String
    public var user: String
    /// libpq's or the server's message, scrubbed.
    public var message: String
    /// The server's SQLSTATE, when a statement failed (`28P01`, `42710`, ...).
    public var sqlState: String?

    public var description: String {
        "postgres: \(step) as \(user.isEmpty ? "(no user)" : "\"\(user)\"") at \(host) failed (\(kind)): \(message)"
    }
}

/// One libpq connection (SCRAM-SHA-256, TLS and the rest are libpq's). Every blocking libpq call
/// runs on the connection's own serial `DispatchQueue`, never on Swift's cooperative pool, so an
/// async caller waiting for a slow server stalls no other task.
///
/// Deadlines are this client's own, kept with libpq's non-blocking calls and `poll`: connecting
/// (TCP, TLS, login) must finish within `Timeout` seconds in all, and each statement within
/// `Command Timeout` seconds, however slowly the server trickles its bytes. A statement that
/// runs out of time closes the connection, since its state is then unknown.
public final class PostgresConnection: @unchecked Sendable {
    /// The `Timeout` used when the connection string gives none, in seconds.
    public static let defaultConnectTimeout = 10
    /// The `Command Timeout` used when the connection string gives none, in seconds (Npgsql's).
    public static let defaultCommandTimeout = 30

    /// `host:port`, for messages.
    public let endpoint: String
    public let user: String
    private let queue: DispatchQueue
    /// How long one statement may take; `nil` for no limit (`Command Timeout=0`).
    private let commandTimeout: Duration?
    // Read and written only on `queue`.
    private var conn: OpaquePointer?
    private var secrets: [String]

    private init(conn: OpaquePointer, endpoint: String, user: String, secrets: [String], queue: DispatchQueue, commandTimeout: Duration?) {
        self.conn = conn
        self.commandTimeout = commandTimeout
        self.endpoint = endpoint
        self.user = user
        self.secrets = secrets
        self.queue = queue
    }

    deinit {
        if let conn { PQfinish(conn) }
    }

    // MARK: Connecting

    /// The libpq keywords and values a connection string maps to: `host`, `port`, `dbname`,
    /// `user`, `password`, `sslmode` (Npgsql's `Require` is `require`, `VerifyFull` is
    /// `verify-full`, ...; Npgsql's default `Prefer` when absent), `sslrootcert` from
    /// `Root Certificate`, `connect_timeout` from `Timeout` (``defaultConnectTimeout`` when absent).
    public static func parameters(for connectionString: NpgsqlConnectionString) throws -> [(String, String)] {
        let user = connectionString.username ?? ""
        let endpoint = endpoint(of: connectionString)
        func configuration(_ message: String) -> PostgresError {
            PostgresError(kind: .configuration, step: "connect", host: endpoint, user: user, message: message)
        }
        let mode: NpgsqlConnectionString.SSLMode
        let timeout: Int
        let port: Int?
        let servers: [NpgsqlConnectionString.Server]
        do {
            mode = try connectionString.sslMode ?? .prefer
            timeout = try connectionString.timeout ?? defaultConnectTimeout
            port = try connectionString.port
            servers = try connectionString.servers
            if try connectionString.trustServerCertificate == true, mode == .verifyCA || mode == .verifyFull {
                throw configuration("Trust Server Certificate=true contradicts SSL Mode=\(mode.rawValue)")
            }
        } catch let error as NpgsqlConnectionString.ValueError {
            // Port, Timeout, SSL Mode, Trust Server Certificate: none of them a secret.
            throw configuration(error.description)
        }
        var parameters: [(String, String)] = []
        if !servers.isEmpty {
            // libpq takes the hosts and, when any names its own, one port per host.
            parameters.append(("host", servers.map(\.host).joined(separator: ",")))
            if servers.contains(where: { $0.port != nil }) {
                parameters.append(("port", servers.map { String($0.port ?? port ?? defaultPort) }.joined(separator: ",")))
            } else if let port {
                parameters.append(("port", String(port)))
            }
        } else if let port {
            parameters.append(("port", String(port)))
        }
        if let database = connectionString.database { parameters.append(("dbname", database)) }
        if !user.isEmpty { parameters.append(("user", user)) }
        if let password = connectionString.password { parameters.append(("password", password)) }
        parameters.append(("sslmode", mode.libpq))
        if let root = connectionString.rootCertificate { parameters.append(("sslrootcert", root)) }
        parameters.append(("connect_timeout", String(timeout)))
        parameters.append(("application_name", "qsl-config"))
        parameters.append(("client_encoding", "UTF8"))
        return parameters
    }

    /// PostgreSQL's port when neither `Port` nor the host names one.
    static let defaultPort = 5432

    /// `host:port` of each server the connection string names (`localhost:5432` when it names
    /// none), for messages; the `Host` text as written when it cannot be read.
    public static func endpoint(of connectionString: NpgsqlConnectionString) -> String {
        let port = ((try? connectionString.port) ?? nil) ?? defaultPort
        guard let servers = try? connectionString.servers else { return connectionString.host ?? "localhost:\(port)" }
        guard !servers.isEmpty else { return "localhost:\(port)" }
        return servers.map { server in
            let host = server.host.contains(":") ? "[\(server.host)]" : server.host
            return "\(host):\(server.port ?? port)"
        }.joined(separator: ",")
    }

    /// Connects with `PQconnectStartParams` (no `dbname` expansion) on a queue of its own, within
    /// `Timeout` seconds for the whole of it.
    public static func connect(_ connectionString: NpgsqlConnectionString) async throws -> PostgresConnection {
        let parameters = try parameters(for: connectionString)
        let endpoint = endpoint(of: connectionString)
        let user = connectionString.username ?? ""
        if let failure = loadLibrary() {
            throw PostgresError(kind: .configuration, step: "connect", host: endpoint, user: user, message: failure)
        }
        let limits: (connect: Duration?, command: Duration?)
        do {
            let connect = try connectionString.timeout ?? defaultConnectTimeout
            let command = try connectionString.commandTimeout ?? defaultCommandTimeout
            limits = (connect == 0 ? nil : .seconds(connect), command == 0 ? nil : .seconds(command))
        } catch {
            throw PostgresError(kind: .configuration, step: "connect", host: endpoint, user: user, message: error.description)
        }
        let secrets = connectionString.password.map { [$0] } ?? []
        let queue = DispatchQueue(label: "qsl-config.postgres.\(endpoint)")
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(
                    with: Result {
                        try PostgresConnection.connectBlocking(
                            parameters: parameters, endpoint: endpoint, user: user, secrets: secrets, queue: queue, limits: limits)
                    })
            }
        }
    }

    /// Loads libpq (`libpq.so.5`, or `QSL_LIBPQ_PATH` when an operator set it), once per process:
    /// the CLI does not link libpq, so only a command that reaches PostgreSQL loads it. `nil`, or
    /// why libpq could not be loaded (naming the library and the Debian package to install).
    static func loadLibrary() -> String? {
        LibraryLoaderMessage.failure { qsl_pq_load($0, $1) }
    }

    /// What loading the libpq at `path` would say, without loading it for the process: `nil` when
    /// it opens and has every function qsl-config calls.
    static func probeLibrary(at path: String) -> String? {
        LibraryLoaderMessage.failure { qsl_pq_probe(path, $0, $1) }
    }

    public static func connect(_ connectionString: String) async throws -> PostgresConnection {
        try await connect(try NpgsqlConnectionString(connectionString))
    }

    private static func connectBlocking(
        parameters: [(String, String)], endpoint: String, user: String, secrets: [String], queue: DispatchQueue,
        limits: (connect: Duration?, command: Duration?)
    ) throws -> PostgresConnection {
        let keys = parameters.map { UnsafePointer<CChar>(strdup($0.0)) } + [nil]
        let values = parameters.map { UnsafePointer<CChar>(strdup($0.1)) } + [nil]
        defer {
            for pointer in keys + values { free(UnsafeMutablePointer(mutating: pointer)) }
        }
        let deadline = limits.connect.map { ContinuousClock.now + $0 }
        guard let conn = PQconnectStartParams(keys, values, 0) else {
            throw PostgresError(kind: .connection, step: "connect", host: endpoint, user: user, message: "libpq could not allocate a connection")
        }
        func failed() -> PostgresError {
            let message = scrub(String(cString: PQerrorMessage(conn)), secrets: secrets)
            PQfinish(conn)
            return PostgresError(kind: classify(connectMessage: message), step: "connect", host: endpoint, user: user, message: message)
        }
        guard PQstatus(conn) != CONNECTION_BAD else { throw failed() }
        var polling = PGRES_POLLING_WRITING
        while polling != PGRES_POLLING_OK {
            guard polling != PGRES_POLLING_FAILED else { throw failed() }
            let events = polling == PGRES_POLLING_READING ? Int16(POLLIN) : Int16(POLLOUT)
            guard waitForSocket(conn, events: events, until: deadline) else {
                PQfinish(conn)
                throw PostgresError(
                    kind: .timeout, step: "connect", host: endpoint, user: user,
                    message: "timeout expired: no session within \(limits.connect.map { "\($0)" } ?? "the limit") (Timeout), connecting, TLS and login included")
            }
            polling = PQconnectPoll(conn)
        }
        return PostgresConnection(conn: conn, endpoint: endpoint, user: user, secrets: secrets, queue: queue, commandTimeout: limits.command)
    }

    /// Waits until the connection's socket is ready for `events` (or in error, for libpq to
    /// report); `false` when the deadline passes first. A `nil` deadline waits for as long as it takes.
    private static func waitForSocket(_ conn: OpaquePointer, events: Int16, until deadline: ContinuousClock.Instant?) -> Bool {
        while true {
            let fd = PQsocket(conn)
            guard fd >= 0 else { return true }
            var milliseconds: Int32 = -1
            if let deadline {
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero else { return false }
                let (seconds, attoseconds) = remaining.components
                milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 || (ready < 0 && errno != EINTR) { return true }
        }
    }

    static func classify(connectMessage message: String) -> PostgresError.Kind {
        let lower = message.lowercased()
        if lower.contains("timeout expired") { return .timeout }
        if lower.contains("password authentication failed") || lower.contains("authentication failed")
            || lower.contains("no password supplied") || lower.contains("role") && lower.contains("does not exist")
        {
            return .authentication
        }
        if lower.contains("ssl") || lower.contains("certificate") || lower.contains("tls") { return .tls }
        return .connection
    }

    /// libpq's and the server's messages, without any password this connection was given or set
    /// (libpq can echo connection options), trimmed.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var text = message
        for secret in secrets where !secret.isEmpty {
            text = text.replacing(secret, with: "***")
        }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }

    // MARK: Running statements

    /// Runs `body` on the connection's queue.
    private func run<T: Sendable>(_ step: String, _ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard let conn = self.conn else {
                    continuation.resume(throwing: self.error(.connection, step, "the connection is closed"))
                    return
                }
                continuation.resume(with: Result { try body(conn) })
            }
        }
    }

    private func error(_ kind: PostgresError.Kind, _ step: String, _ message: String, sqlState: String? = nil) -> PostgresError {
        PostgresError(kind: kind, step: step, host: endpoint, user: user, message: Self.scrub(message, secrets: secrets), sqlState: sqlState)
    }

    /// One statement with optional `$1`-style text parameters (`PQexecParams`): the rows, each
    /// column as text or `nil` for NULL (empty for a statement that returns none).
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = [], step: String? = nil) async throws -> [[String?]] {
        let step = step ?? Self.stepName(of: sql)
        return try await run(step) { conn in try self.execBlocking(conn, sql, parameters, step: step) }
    }

    private func execBlocking(_ conn: OpaquePointer, _ sql: String, _ parameters: [String?], step: String) throws -> [[String?]] {
        let values: [UnsafePointer<CChar>?] = parameters.map { parameter in
            guard let parameter else { return nil }
            return UnsafePointer(strdup(parameter))
        }
        defer {
            for pointer in values { free(UnsafeMutablePointer(mutating: pointer)) }
        }
        let deadline = commandTimeout.map { ContinuousClock.now + $0 }
        guard PQsendQueryParams(conn, sql, Int32(values.count), nil, values, nil, nil, 0) == 1 else {
            throw error(.connection, step, String(cString: PQerrorMessage(conn)))
        }
        // Send it all, then read until libpq has every result, never blocking past the deadline.
        while true {
            let flushed = PQflush(conn)
            if flushed == 0 { break }
            if flushed < 0 { throw error(.connection, step, String(cString: PQerrorMessage(conn))) }
            guard Self.waitForSocket(conn, events: Int16(POLLOUT | POLLIN), until: deadline) else { throw abandon(conn, step) }
            guard PQconsumeInput(conn) == 1 else { throw error(.connection, step, String(cString: PQerrorMessage(conn))) }
        }
        var rows: [[String?]] = []
        var failure: PostgresError?
        while true {
            while PQisBusy(conn) == 1 {
                guard Self.waitForSocket(conn, events: Int16(POLLIN), until: deadline) else { throw abandon(conn, step) }
                guard PQconsumeInput(conn) == 1 else { throw error(.connection, step, String(cString: PQerrorMessage(conn))) }
            }
            guard let result = PQgetResult(conn) else { break }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK { continue }
            guard status == PGRES_TUPLES_OK else {
                let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
                let kind: PostgresError.Kind = PQstatus(conn) == CONNECTION_OK ? .statement : .connection
                failure = failure ?? error(kind, step, String(cString: PQresultErrorMessage(result)), sqlState: state)
                continue
            }
            let count = PQntuples(result), columns = PQnfields(result)
            rows = (0..<count).map { row in
                (0..<columns).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                }
            }
        }
        if let failure { throw failure }
        return rows
    }

    /// Closes a connection whose statement ran out of time (its state is unknown) and returns the
    /// error to throw. Runs on the queue.
    private func abandon(_ conn: OpaquePointer, _ step: String) -> PostgresError {
        PQfinish(conn)
        self.conn = nil
        let limit = commandTimeout.map { "\($0)" } ?? "the limit"
        return error(.timeout, step, "no complete answer within \(limit) (Command Timeout); the connection was closed")
    }

    /// The first words of a statement, for messages: `ALTER ROLE`, `SELECT 1`; never its text past
    /// them (a literal can hold a password).
    static func stepName(of sql: String) -> String {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).prefix(2)
        let upper = words.map { $0.uppercased() }
        if let first = upper.first, ["ALTER", "CREATE", "DROP", "GRANT", "REVOKE"].contains(first), upper.count > 1 {
            return "\(first) \(upper[1])"
        }
        return upper.first ?? "statement"
    }

    // MARK: Quoting

    /// `PQescapeIdentifier`: `"it""s"`.
    public func quoteIdentifier(_ identifier: String) async throws -> String {
        try await run("quote identifier") { conn in try self.escapeIdentifier(conn, identifier, step: "quote identifier") }
    }

    private func escapeIdentifier(_ conn: OpaquePointer, _ identifier: String, step: String) throws -> String {
        let bytes = Array(identifier.utf8)
        guard let escaped = PQescapeIdentifier(conn, identifier, bytes.count) else {
            throw error(.statement, step, String(cString: PQerrorMessage(conn)))
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    private func escapeLiteral(_ conn: OpaquePointer, _ literal: String, step: String) throws -> String {
        let bytes = Array(literal.utf8)
        guard let escaped = PQescapeLiteral(conn, literal, bytes.count) else {
            throw error(.statement, step, String(cString: PQerrorMessage(conn)))
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// The SCRAM-SHA-256 verifier of `password` (`PQencryptPasswordConn`): what `ALTER ROLE` and
    /// `CREATE ROLE` send, so the plaintext is never in a statement or a server log.
    private func verifier(_ conn: OpaquePointer, password: String, role: String, step: String) throws -> String {
        guard let encrypted = PQencryptPasswordConn(conn, password, role, "scram-sha-256") else {
            throw error(.statement, step, "could not compute the SCRAM verifier: \(String(cString: PQerrorMessage(conn)))")
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }

    // MARK: Roles

    /// `ALTER ROLE "role" PASSWORD 'SCRAM-SHA-256$...'`: the role quoted by `PQescapeIdentifier`,
    /// the password sent as its SCRAM verifier.
    public func alterRolePassword(role: String, password: String) async throws {
        let step = "ALTER ROLE"
        try await run(step) { conn in
            self.secrets.append(password)
            let identifier = try self.escapeIdentifier(conn, role, step: step)
            let literal = try self.escapeLiteral(conn, try self.verifier(conn, password: password, role: role, step: step), step: step)
            _ = try self.execBlocking(conn, "ALTER ROLE \(identifier) PASSWORD \(literal)", [], step: step)
        }
    }

    /// `CREATE ROLE "role" [LOGIN|NOLOGIN] [PASSWORD 'SCRAM-SHA-256$...']`.
    public func createRole(_ role: String, password: String? = nil, login: Bool = true) async throws {
        let step = "CREATE ROLE"
        try await run(step) { conn in
            var sql = "CREATE ROLE \(try self.escapeIdentifier(conn, role, step: step)) \(login ? "LOGIN" : "NOLOGIN")"
            if let password {
                self.secrets.append(password)
                sql += " PASSWORD \(try self.escapeLiteral(conn, try self.verifier(conn, password: password, role: role, step: step), step: step))"
            }
            _ = try self.execBlocking(conn, sql, [], step: step)
        }
    }

    /// `DROP ROLE IF EXISTS "role"`.
    public func dropRole(_ role: String) async throws {
        let step = "DROP ROLE"
        try await run(step) { conn in
            _ = try self.execBlocking(conn, "DROP ROLE IF EXISTS \(try self.escapeIdentifier(conn, role, step: step))", [], step: step)
        }
    }

    /// `GRANT "role" TO "member"`: membership, as alternating users share a group role that owns
    /// the objects.
    public func grant(role: String, to member: String) async throws {
        let step = "GRANT"
        try await run(step) { conn in
            let sql = "GRANT \(try self.escapeIdentifier(conn, role, step: step)) TO \(try self.escapeIdentifier(conn, member, step: step))"
            _ = try self.execBlocking(conn, sql, [], step: step)
        }
    }

    /// `GRANT <privileges> ON DATABASE "database" TO "member"`; `privileges` is a list of
    /// PostgreSQL's keywords (`CONNECT`, `CREATE`, `TEMPORARY`, `ALL`), checked, never free text.
    public func grant(privileges: [String], onDatabase database: String, to member: String) async throws {
        let step = "GRANT"
        let allowed: Set<String> = ["CONNECT", "CREATE", "TEMPORARY", "TEMP", "ALL", "ALL PRIVILEGES"]
        let upper = privileges.map { $0.uppercased() }
        guard !upper.isEmpty, upper.allSatisfy(allowed.contains) else {
            throw error(.configuration, step, "database privileges must be among \(allowed.sorted())")
        }
        try await run(step) { conn in
            let sql = "GRANT \(upper.joined(separator: ", ")) ON DATABASE \(try self.escapeIdentifier(conn, database, step: step)) TO \(try self.escapeIdentifier(conn, member, step: step))"
            _ = try self.execBlocking(conn, sql, [], step: step)
        }
    }

    /// Ends the session (`PQfinish`); later calls fail with a `.connection` error.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if let conn = self.conn { PQfinish(conn) }
                self.conn = nil
                continuation.resume()
            }
        }
    }
}
