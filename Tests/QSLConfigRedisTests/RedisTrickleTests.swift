import Foundation
import QSLConfigRedis
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP server that, once a client has sent something, answers `prefix` and then one
/// byte of `filler` every `interval` (never a complete reply), for at most `limit` bytes.
final class TricklingTCPServer: Sendable {
    let port: UInt16
    private let stopped = StopFlag()
    private let hangUpLog = HangUpLog()

    /// For each client that let go: how long after the first trickled byte the server found the
    /// connection gone (measured on its own thread, whatever the test's tasks are waiting for).
    var hangUps: [Duration] { hangUpLog.entries }

    /// Waits (up to a minute) for the first hang-up.
    func firstHangUp() async throws -> Duration? {
        for _ in 0..<600 where hangUps.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        return hangUps.first
    }

    init(prefix: [UInt8], filler: UInt8, interval: Duration = .seconds(1), limit: Int = 60, waitForClient: Bool) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard fd >= 0, bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        let stopped = self.stopped
        let log = self.hangUpLog
        let (seconds, attoseconds) = interval.components
        let pause = useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        Thread {
            defer { close(fd) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !stopped.isSet {
                guard poll(&poller, 1, 100) > 0 else { continue }
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                Thread {
                    defer { close(client) }
                    if waitForClient {
                        var scratch = [UInt8](repeating: 0, count: 4096)
                        guard scratch.withUnsafeMutableBytes({ recv(client, $0.baseAddress, $0.count, 0) }) > 0 else { return }
                    }
                    guard prefix.withUnsafeBytes({ send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == prefix.count else { return }
                    let start = ContinuousClock.now
                    for _ in 0..<limit where !stopped.isSet {
                        usleep(pause)
                        var byte = filler
                        guard send(client, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else {
                            log.append(start.duration(to: .now))
                            return
                        }
                    }
                }.start()
            }
        }.start()
    }

    deinit { stopped.set() }
}

/// The Redis client's deadlines hold against a server that keeps sending, slowly.
@Suite("Redis deadlines against a trickling server")
struct RedisTrickleTests {
    @Test("a TLS handshake answered one byte a second ends with a timeout at the connect deadline")
    func handshake() async throws {
        // A TLS handshake record header announcing 4 KiB, then its bytes one a second.
        let server = try TricklingTCPServer(prefix: [0x16, 0x03, 0x03, 0x10, 0x00], filler: 0x02, waitForClient: true)
        let options = RedisConnectionOptions(
            host: "127.0.0.1", port: Int(server.port), tls: .init(serverName: "localhost"), connectTimeout: .seconds(2), user: "qsl_app")
        let error = try await #require(throws: RedisError.self) { try await RedisConnection.connect(options) }
        #expect(error.kind == .timeout, "\(error)")
        #expect(error.step == "TLS handshake")
        let hangUp = try await server.firstHangUp()
        #expect(hangUp.map { $0 < .seconds(15) } == true, "the client let go after \(String(describing: hangUp))")
        withExtendedLifetime(server) {}
    }

    @Test("a reply trickling one byte a second ends with a timeout at the command deadline and closes the connection")
    func command() async throws {
        let server = try TricklingTCPServer(prefix: Array("+".utf8), filler: UInt8(ascii: "O"), waitForClient: true)
        let options = RedisConnectionOptions(host: "127.0.0.1", port: Int(server.port), commandTimeout: .seconds(2))
        let connection = try await RedisConnection.connect(options)
        let error = try await #require(throws: RedisError.self) { try await connection.ping() }
        #expect(error.kind == .timeout, "\(error)")
        #expect(error.step == "PING")
        let hangUp = try await server.firstHangUp()
        #expect(hangUp.map { $0 < .seconds(15) } == true, "the client let go after \(String(describing: hangUp))")
        let after = try await #require(throws: RedisError.self) { try await connection.ping() }
        #expect(after.kind == .closed)
        withExtendedLifetime(server) {}
    }
}

/// Set when the server is released; its threads stop at their next step.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

/// Hang-up times, appended from the server's threads.
final class HangUpLog: Sendable {
    private let log = Mutex<[Duration]>([])
    var entries: [Duration] { log.withLock { $0 } }
    func append(_ duration: Duration) { log.withLock { $0.append(duration) } }
}
