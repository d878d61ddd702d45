import Foundation
import QSLConfig
import QSLConfigCore
@testable import QSLConfigOperations
import QSLConfigRedis
import QSLConfigTesting
import Synchronization
import Testing

enum RedisTestServer {
    static var isAvailable: Bool { ProcessInfo.processInfo.environment["QSL_TEST_REDIS_TLS_PORT"] != nil }
}

/// Redis rotation against the private TLS Redis `scripts/test.sh` starts (`scripts/lib/redis.sh`):
/// two passwords valid at once, so a client that keeps logging in never fails.
@Suite("Redis rotation on a real server", .enabled(if: RedisTestServer.isAvailable, "no private Redis: QSL_TEST_REDIS_* are unset (scripts/test.sh starts one)"))
struct RedisRotationTests {
    struct Server {
        var host: String
        var port: Int
        var caFile: String
        var serverName: String
        var adminUser: String
        var adminPassword: String
    }

    static let server: Server? = {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["QSL_TEST_REDIS_HOST"], let port = env["QSL_TEST_REDIS_TLS_PORT"].flatMap(Int.init), let ca = env["QSL_TEST_REDIS_CA_FILE"],
            let name = env["QSL_TEST_REDIS_SERVER_NAME"], let user = env["QSL_TEST_REDIS_USER"], let password = env["QSL_TEST_REDIS_PASSWORD"]
        else { return nil }
        return Server(host: host, port: port, caFile: ca, serverName: name, adminUser: user, adminPassword: password)
    }()

    static func string(_ server: Server, user: String, password: String) -> String {
        "\(server.host):\(server.port),user=\(user),password=\(password),ssl=True,sslHost=\(server.serverName),abortConnect=False"
    }

    static func login(_ text: String, caFile: String) async -> Bool {
        guard let string = try? RedisConnectionString(text), let options = try? RedisConnectionOptions(string, caFile: caFile),
            let connection = try? await RedisConnection.connect(options)
        else { return false }
        defer { Task { await connection.close() } }
        do {
            try await connection.auth(user: string.user, password: string.password ?? "")
            return try await connection.ping() == "PONG"
        } catch {
            return false
        }
    }

    /// A local store with the admin's string and an application user's, the latter tagged for
    /// rotation; the user is created on the server with its first password.
    static func fixture(_ server: Server) async throws -> (RotationOperationTests.Fixture, user: String, first: String) {
        let f = try RotationOperationTests.Fixture()
        let user = "rot_" + UUID().uuidString.prefix(8).lowercased()
        let first = "first-" + UUID().uuidString.prefix(12)
        let admin = try await RedisConnection.connect(
            RedisConnectionOptions(host: server.host, port: server.port, tls: .init(caFile: server.caFile, serverName: server.serverName)))
        try await admin.auth(user: server.adminUser, password: server.adminPassword)
        _ = try await admin.command(["ACL", "SETUSER", user, "on", ">" + first, "+ping", "+auth"], secrets: [first])
        await admin.quit()
        _ = try await f.store.createSecret(
            CreateSecretRequest(
                name: "qsl/prod/redis/admin", value: .string(SecretValue(string(server, user: server.adminUser, password: server.adminPassword))),
                clientRequestToken: UUID().uuidString))
        try await f.create(
            "qsl/prod/redis/connection", string(server, user: user, password: first), kind: "redis",
            tags: ["qsl:master-secret": "qsl/prod/redis/admin", "qsl:ca-file": server.caFile])
        return (f, user, first)
    }

    @Test("the new password works, the old one is removed after the labels move, only the password changed in the string; a resumed retire is done")
    func rotatesOnce() async throws {
        let server = try #require(Self.server)
        let (f, user, first) = try await Self.fixture(server)
        let report = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/redis/connection"] })
        #expect(report.entries.map(\.status) == [.rotated], "\(report.text())")
        let new = try await f.value("qsl/prod/redis/connection")
        let newString = try RedisConnectionString(new)
        #expect(newString.user == user && newString.password != first)
        // Every byte but the password is as it was.
        #expect(new.replacingOccurrences(of: newString.password!, with: first) == Self.string(server, user: user, password: first))
        #expect(await Self.login(new, caFile: server.caFile))
        #expect(await Self.login(Self.string(server, user: user, password: first), caFile: server.caFile) == false, "the old password is removed")
        // Retiring again (a run killed after it) finds the password gone and counts it done.
        try await RedisStrategy(store: f.store).retire(
            old: Self.string(server, user: user, password: first), new: new,
            target: RotationTarget(name: "qsl/prod/redis/connection", kind: "redis", tags: ["qsl:master-secret": "qsl/prod/redis/admin", "qsl:ca-file": server.caFile]))
        #expect(!report.text().contains(first) && !report.text().contains(newString.password!))
    }

    @Test("a client that reads AWSCURRENT through the library and logs in throughout 20 rotations never fails")
    func zeroFailedLogins() async throws {
        let server = try #require(Self.server)
        let (f, _, _) = try await Self.fixture(server)
        let caFile = server.caFile
        let result = try await LoginHarness.run(f, secret: "qsl/prod/redis/connection") { await Self.login($0, caFile: caFile) }
        print("redis rotation: \(result.rotated) rotations in \(result.runs) runs, \(result.perRotation) per rotation, \(result.attempts) logins, \(result.failures) failed, \(result.refreshed) after a refresh")
        #expect(result.rotated == 20)
        #expect(result.attempts > 20, "the client kept logging in: \(result.attempts)")
        #expect(result.failures == 0)
    }

    @Test("rollback adds the previous password back and tests it before the labels move, then removes the one that was current")
    func rollback() async throws {
        let server = try #require(Self.server)
        let (f, user, first) = try await Self.fixture(server)
        _ = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/redis/connection"] })
        let rotated = try await f.value("qsl/prod/redis/connection")
        let operation = RollbackOperation(store: f.store, definition: try PlatformRoot(path: f.root).environment("prod")) { throw CancellationError() }
        _ = try await operation.secret("qsl/prod/redis/connection")
        #expect(try await f.value("qsl/prod/redis/connection") == Self.string(server, user: user, password: first))
        #expect(await Self.login(Self.string(server, user: user, password: first), caFile: server.caFile))
        #expect(await Self.login(rotated, caFile: server.caFile) == false, "the rolled-back password is removed")
    }

    @Test("the default user's requirepass is refused, with nothing changed")
    func requirepassRefused() async throws {
        let server = try #require(Self.server)
        let f = try RotationOperationTests.Fixture()
        let legacy = "\(server.host):\(server.port),password=whatever,ssl=True,sslHost=\(server.serverName)"
        try await f.create("qsl/prod/redis/legacy", legacy, kind: "redis")
        let report = try await RotationOperation().run(f.request())
        #expect(report.entries.first?.status == .failed)
        #expect(report.entries.first?.message?.contains("requirepass") == true)
        #expect(try await f.versions("qsl/prod/redis/legacy").count == 1)
    }

    @Test("two nodes, whose ACLs do not replicate: the password changes on each; a node that fails leaves the rotation unfinished, and the next run finishes it")
    func everyNode() async throws {
        let server = try #require(Self.server)
        let env = ProcessInfo.processInfo.environment
        let port2 = try #require(env["QSL_TEST_REDIS_TLS_PORT_2"].flatMap(Int.init), "scripts/lib/redis.sh starts a second node")
        let f = try RotationOperationTests.Fixture()
        let user = "rot_" + UUID().uuidString.prefix(8).lowercased()
        let first = "first-" + UUID().uuidString.prefix(12)
        func admin(_ port: Int) async throws -> RedisConnection {
            let connection = try await RedisConnection.connect(
                RedisConnectionOptions(host: server.host, port: port, tls: .init(caFile: server.caFile, serverName: server.serverName)))
            try await connection.auth(user: server.adminUser, password: server.adminPassword)
            return connection
        }
        // The user exists on the first node only: the second fails the test step.
        let one = try await admin(server.port)
        _ = try await one.command(["ACL", "SETUSER", user, "on", ">" + first, "+ping"], secrets: [first])
        await one.quit()
        func string(_ password: String) -> String {
            "\(server.host):\(server.port),\(server.host):\(port2),user=\(user),password=\(password),ssl=True,sslHost=\(server.serverName)"
        }
        func node(_ port: Int, _ password: String) -> String {
            "\(server.host):\(port),user=\(user),password=\(password),ssl=True,sslHost=\(server.serverName)"
        }
        _ = try await f.store.createSecret(
            CreateSecretRequest(
                name: "qsl/prod/redis/admin",
                value: .string(SecretValue("\(server.host):\(server.port),\(server.host):\(port2),user=\(server.adminUser),password=\(server.adminPassword),ssl=True,sslHost=\(server.serverName)")),
                clientRequestToken: UUID().uuidString))
        try await f.create(
            "qsl/prod/redis/connection", string(first), kind: "redis", tags: ["qsl:master-secret": "qsl/prod/redis/admin", "qsl:ca-file": server.caFile])

        let failed = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/redis/connection"] })
        #expect(failed.entries.first?.status == .testFailed, "\(failed.text())")
        #expect(try await f.value("qsl/prod/redis/connection") == string(first), "nothing promoted")
        let pending = try RedisConnectionString(try await f.value("qsl/prod/redis/connection", stage: "AWSPENDING")).password ?? ""

        // The operator enables the user on the second node; the next run resumes the same value.
        let two = try await admin(port2)
        _ = try await two.command(["ACL", "SETUSER", user, "on", ">" + first, "+ping"], secrets: [first])
        await two.quit()
        let finished = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/redis/connection"] })
        #expect(finished.entries.first?.status == .resumed, "\(finished.text())")
        #expect(try await f.value("qsl/prod/redis/connection") == string(pending))
        for port in [server.port, port2] {
            #expect(await Self.login(node(port, pending), caFile: server.caFile), "node \(port): the new password works")
            #expect(await Self.login(node(port, first), caFile: server.caFile) == false, "node \(port): the old one is removed")
        }
        let saved = try String(contentsOfFile: try #require(env["QSL_TEST_REDIS_ACL_FILE_2"]), encoding: .utf8)
        #expect(saved.contains(user), "the second node's ACL file was saved")
    }
}
