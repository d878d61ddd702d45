import Foundation
import QSLConfigRedis
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The private TLS redis-server `scripts/test.sh` starts (`scripts/lib/redis.sh`).
struct TestRedis {
    var host: String
    var port: Int
    var caFile: String
    var serverName: String
    var user: String
    var password: String
    var aclFile: String

    static let variables = [
        "QSL_TEST_REDIS_HOST", "QSL_TEST_REDIS_TLS_PORT", "QSL_TEST_REDIS_CA_FILE", "QSL_TEST_REDIS_SERVER_NAME", "QSL_TEST_REDIS_USER",
        "QSL_TEST_REDIS_PASSWORD", "QSL_TEST_REDIS_ACL_FILE",
    ]

    static let current: TestRedis? = {
        let environment = ProcessInfo.processInfo.environment
        let values = variables.compactMap { environment[$0] }
        guard values.count == variables.count, let port = Int(values[1]) else { return nil }
        return TestRedis(
            host: values[0], port: port, caFile: values[2], serverName: values[3], user: values[4], password: values[5], aclFile: values[6])
    }()

    func options(caFile: String?? = .none, serverName: String? = nil, verify: Bool = true) -> RedisConnectionOptions {
        RedisConnectionOptions(
            host: host, port: port,
            tls: .init(verifyPeer: verify, caFile: caFile ?? self.caFile, serverName: serverName ?? self.serverName),
            connectTimeout: .seconds(10), commandTimeout: .seconds(10))
    }

    func connect(user: String? = nil, password: String) async throws -> RedisConnection {
        let connection = try await RedisConnection.connect(options())
        do {
            try await connection.auth(user: user ?? self.user, password: password)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Whether AUTH as the test user with `password` works on a new connection.
    func authWorks(_ password: String) async throws -> Bool {
        do {
            let connection = try await connect(password: password)
            #expect(try await connection.ping() == "PONG")
            await connection.quit()
            return true
        } catch let error as RedisError where error.kind == .authenticationFailed {
            return false
        }
    }
}

// Skipped, with the message, only when the variables are absent; scripts/test.sh always sets them.
@Suite(
    "Redis connection against a private server (QSL_TEST_REDIS_* from scripts/lib/redis.sh)", .serialized,
    .enabled(
        if: TestRedis.current != nil,
        "no private Redis: QSL_TEST_REDIS_HOST, _TLS_PORT, _CA_FILE, _SERVER_NAME, _USER, _PASSWORD and _ACL_FILE are unset (scripts/test.sh starts one)"
    ))
struct RedisConnectionTests {
    let redis = TestRedis.current!

    @Test("TLS with the CA and the server's name: AUTH as the test user, PING, CONFIG GET")
    func connectsWithTLS() async throws {
        let connection = try await redis.connect(password: redis.password)
        #expect(try await connection.ping() == "PONG")
        let config = try await connection.configGet("tls-port")
        #expect(config["tls-port"] == String(redis.port))
        let user = try #require(try await connection.aclGetUser(redis.user))
        #expect(user.isEnabled)
        #expect(user.hasPassword(redis.password))
        #expect(try await connection.aclGetUser("no_such_user_qsl") == nil)
        await connection.quit()
    }

    @Test("the connection string's options reach the connection")
    func fromConnectionString() async throws {
        let string = try RedisConnectionString(
            "\(redis.host):\(redis.port),user=\(redis.user),password=\(redis.password),ssl=True,sslHost=\(redis.serverName),abortConnect=False")
        let connection = try await RedisConnection.connect(try RedisConnectionOptions(string, caFile: redis.caFile))
        try await connection.auth(user: string.user, password: try #require(string.password))
        #expect(try await connection.ping() == "PONG")
        await connection.quit()
    }

    @Test("a certificate from another CA is refused")
    func refusesUnknownCA() async throws {
        // The system's CAs did not sign the test server's certificate.
        var options = redis.options(caFile: .some(nil))
        options.tls?.caFile = nil
        let error = try await #require(throws: RedisError.self) { try await RedisConnection.connect(options) }
        #expect(error.kind == .tls)
        #expect(error.step == "TLS handshake")
        #expect(error.description.contains(redis.host))
    }

    @Test("a certificate for another name is refused")
    func refusesWrongName() async throws {
        let error = try await #require(throws: RedisError.self) {
            try await RedisConnection.connect(redis.options(serverName: "cache.example.invalid"))
        }
        #expect(error.kind == .tls)
    }

    @Test("a wrong password fails; the error names the host and user, never the password")
    func wrongPassword() async throws {
        let wrong = "wrong-\(UUID().uuidString)"
        let error = try await #require(throws: RedisError.self) { try await redis.connect(password: wrong) }
        #expect(error.kind == .authenticationFailed)
        #expect(error.step == "AUTH")
        #expect(error.serverCode == "WRONGPASS")
        #expect(error.description.contains(redis.host))
        #expect(error.description.contains(redis.user))
        // A Bool, so that a failure does not print the password itself.
        let showsPassword = error.description.contains(wrong) || "\(error)".contains(wrong)
        #expect(!showsPassword, "the error shows the password")
    }

    @Test("rotation: add a password, both work; remove the old, only the new works; ACL SAVE writes the file")
    func rotation() async throws {
        // A user of the test's own: the shared test user's password stays as it is, since other
        // suites log in with it at the same time.
        let user = "conn_" + UUID().uuidString.prefix(8).lowercased()
        let old = "old-\(UUID().uuidString)"
        let new = "new-\(UUID().uuidString)"
        let admin = try await redis.connect(password: redis.password)
        _ = try await admin.command(["ACL", "SETUSER", user, "on", ">" + old, "+ping"], secrets: [old])
        func works(_ password: String) async throws -> Bool {
            do {
                let connection = try await redis.connect(user: user, password: password)
                #expect(try await connection.ping() == "PONG")
                await connection.quit()
                return true
            } catch let error as RedisError where error.kind == .authenticationFailed {
                return false
            }
        }

        try await admin.aclAddPassword(user: user, password: new)
        #expect(try await works(old))
        #expect(try await works(new))

        try await admin.aclRemovePassword(user: user, password: old)
        #expect(try await !works(old))
        #expect(try await works(new))
        let acl = try #require(try await admin.aclGetUser(user))
        #expect(acl.hasPassword(new) && !acl.hasPassword(old))

        // Removing it again: "password not set", which a rotation takes as done; the error does
        // not show the password although the server's text does.
        let again = try await #require(throws: RedisError.self) { try await admin.aclRemovePassword(user: user, password: old) }
        #expect(again.kind == .passwordNotSet)
        let showsPassword = again.description.contains(old) || again.detail.contains(old)
        #expect(!showsPassword, "the error shows the password the server echoed")
        #expect(again.description.contains(user))
        // The connection is still usable after an error reply.
        #expect(try await admin.ping() == "PONG")

        // Other suites save the ACL file too, so what is checked is its content, not a change.
        try await admin.aclSave()
        let after = try String(contentsOfFile: redis.aclFile, encoding: .utf8)
        #expect(after.contains(RedisACLUser.passwordHash(new)))
        #expect(!after.contains(RedisACLUser.passwordHash(old)))
        let fileHasPlaintext = after.contains(new) || after.contains(old)
        #expect(!fileHasPlaintext, "the ACL file holds a password in clear")
        _ = try await admin.command(["ACL", "DELUSER", user])
        await admin.quit()
    }

    @Test("an unknown command's error reply is a server error and leaves the connection usable")
    func serverError() async throws {
        let connection = try await redis.connect(password: redis.password)
        let error = try await #require(throws: RedisError.self) { try await connection.command(["NOSUCHCOMMAND", "x"]) }
        #expect(error.kind == .server)
        #expect(error.serverCode == "ERR")
        #expect(try await connection.ping() == "PONG")
        await connection.quit()
        let closed = try await #require(throws: RedisError.self) { try await connection.ping() }
        #expect(closed.kind == .closed)
    }
}

/// A loopback socket that is listened on and never answers: the kernel completes TCP
/// connections into its backlog, nothing ever reads or writes.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0 && listen(fd, 8) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

@Suite("Redis connection timeouts")
struct RedisTimeoutTests {
    @Test("a TLS connect to a server that never answers ends with a timeout")
    func connectTimeout() async throws {
        let listener = try SilentListener()
        let options = RedisConnectionOptions(
            host: "127.0.0.1", port: listener.port, tls: .init(serverName: "localhost"), connectTimeout: .milliseconds(300), user: "qsl_app")
        let error = try await #require(throws: RedisError.self) { try await RedisConnection.connect(options) }
        #expect(error.kind == .timeout)
        #expect(error.step == "TLS handshake")
        #expect(error.description.contains("127.0.0.1:\(listener.port)"))
        #expect(error.description.contains("qsl_app"))
        withExtendedLifetime(listener) {}
    }

    @Test("a command the server never answers ends with a timeout and closes the connection")
    func commandTimeout() async throws {
        let listener = try SilentListener()
        let options = RedisConnectionOptions(host: "127.0.0.1", port: listener.port, commandTimeout: .milliseconds(300))
        let connection = try await RedisConnection.connect(options)
        let error = try await #require(throws: RedisError.self) { try await connection.auth(user: "qsl_app", password: "hunter2") }
        #expect(error.kind == .timeout)
        #expect(error.step == "AUTH")
        let showsPassword = error.description.contains("hunter2")
        #expect(!showsPassword)
        let after = try await #require(throws: RedisError.self) { try await connection.ping() }
        #expect(after.kind == .closed)
        withExtendedLifetime(listener) {}
    }

    @Test("a refused connection is a connect error")
    func refused() async throws {
        // A port bound and closed again, so nothing listens there.
        let port = try SilentListener().port
        let error = try await #require(throws: RedisError.self) {
            try await RedisConnection.connect(RedisConnectionOptions(host: "127.0.0.1", port: port, connectTimeout: .seconds(10)))
        }
        #expect(error.kind == .connect)
    }
}
