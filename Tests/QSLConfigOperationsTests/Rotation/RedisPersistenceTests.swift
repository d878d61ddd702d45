import Foundation
import QSLConfig
import QSLConfigCore
@testable import QSLConfigOperations
import QSLConfigRedis
import Testing

/// A Redis server of this test's own, from `redis-server` on PATH (scripts/test.sh installs it),
/// plain TCP on loopback, its users written as `user` lines of its config file (no `aclfile`).
final class ConfigFileRedis: @unchecked Sendable {
    static let binary: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/redis-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    let config: String
    let port: Int
    /// Whether the server reads `config`; without it, the same lines are its arguments.
    let usesConfigFile: Bool
    private let lines: [String]
    private var process: Process?

    init(directory: String, users: [String], usesConfigFile: Bool = true) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        close(socket)
        config = directory + "/redis.conf"
        lines = ["port \(port)", "bind 127.0.0.1", "dir \(directory)", "save \"\"", "appendonly no", "logfile \(directory)/redis.log"] + users
        self.usesConfigFile = usesConfigFile
        if usesConfigFile { try (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8) }
    }

    /// Starts the server on its config file and waits until `user` logs in with `password`.
    func start(user: String, password: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.binary))
        // Arguments are config lines too, one word each after `--name`; `save ""` is `--save ''`.
        process.arguments = usesConfigFile ? [config] : lines.flatMap { line -> [String] in
            let words = line.split(separator: " ").map(String.init)
            return ["--" + words[0]] + words.dropFirst().map { $0 == "\"\"" ? "" : $0 }
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if await login(user: user, password: password) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("redis-server did not come up on port \(port)")
    }

    /// Kills the server outright: what the rotation wrote must already be on disk. (SIGKILL,
    /// since a child started from a test's worker thread may inherit a mask blocking SIGTERM.)
    func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    func login(user: String, password: String) async -> Bool {
        guard let connection = try? await RedisConnection.connect(RedisConnectionOptions(host: "127.0.0.1", port: port)) else { return false }
        defer { Task { await connection.close() } }
        do {
            try await connection.auth(user: user, password: password)
            return try await connection.ping() == "PONG"
        } catch {
            return false
        }
    }
}

@Suite("Redis users kept over a restart", .serialized, .enabled(if: ConfigFileRedis.binary != nil, "redis-server is not on PATH (scripts/test.sh installs it)"))
struct RedisPersistenceTests {
    /// A server of its own with an admin and an application user (first password `first-pw`), a
    /// local store whose secret for the application user is rotated once; the server (running)
    /// and the new password.
    static func rotatedOnce(usesConfigFile: Bool) async throws -> (server: ConfigFileRedis, new: String) {
        let f = try RotationOperationTests.Fixture()
        let server = try ConfigFileRedis(
            directory: try PlatformFixtures.temporaryDirectory("redis-users"),
            users: ["user default off nopass -@all", "user admin on >admin-pw ~* &* +@all", "user app on >first-pw ~* +@all"], usesConfigFile: usesConfigFile)
        try await server.start(user: "admin", password: "admin-pw")
        do {
            _ = try await f.store.createSecret(
                CreateSecretRequest(name: "qsl/prod/redis/admin", value: .string(SecretValue("127.0.0.1:\(server.port),user=admin,password=admin-pw")), clientRequestToken: UUID().uuidString))
            try await f.create("qsl/prod/redis/connection", "127.0.0.1:\(server.port),user=app,password=first-pw", kind: "redis", tags: ["qsl:master-secret": "qsl/prod/redis/admin"])
            let report = try await RotationOperation().run(f.request { $0.secrets = ["qsl/prod/redis/connection"] })
            #expect(report.entries.map(\.status) == [.rotated], "\(report.text())")
            let new = try #require(try RedisConnectionString(try await f.value("qsl/prod/redis/connection")).password)
            #expect(await server.login(user: "app", password: new))
            return (server, new)
        } catch {
            server.stop()
            throw error
        }
    }

    @Test("a rotation on a server whose users are lines of its config file outlives a restart: the new password logs in after it, the old one does not")
    func survivesRestart() async throws {
        let (server, new) = try await Self.rotatedOnce(usesConfigFile: true)
        defer { server.stop() }
        server.stop()
        try await server.start(user: "admin", password: "admin-pw")
        #expect(await server.login(user: "app", password: new), "the new password outlives the restart")
        #expect(await server.login(user: "app", password: "first-pw") == false, "the old one was removed for good")
        let written = try String(contentsOfFile: server.config, encoding: .utf8)
        #expect(!written.contains(new) && !written.contains("first-pw"), "the config file holds password hashes, not passwords")
    }

    @Test("a server started without a config file (users as arguments) rotates: there is nothing to write, and that is not a failure")
    func withoutConfigFile() async throws {
        let (server, _) = try await Self.rotatedOnce(usesConfigFile: false)
        defer { server.stop() }
        #expect(!FileManager.default.fileExists(atPath: server.config))
    }
}
