import Foundation
import QSLConfigResources
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Just enough of a PostgreSQL server on loopback to let libpq in (`trust`: AuthenticationOk and
/// ReadyForQuery, refusing TLS and GSS encryption) and then answer one byte a second: during the
/// login (`.login`), or to each statement (`.statement`). At most 60 such bytes, then it closes.
final class TricklingPostgres: Sendable {
    enum Stage: Sendable { case login, statement }

    let port: UInt16
    private let stopped = StopFlag()
    private let hangUpLog = HangUpLog()

    /// For each client that let go: how long after the trickle began the server found the
    /// connection gone (measured on its own thread, whatever the test's tasks are waiting for).
    var hangUps: [Duration] { hangUpLog.entries }

    /// Waits (up to a minute) for the first hang-up.
    func firstHangUp() async throws -> Duration? {
        for _ in 0..<600 where hangUps.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        return hangUps.first
    }

    init(trickling stage: Stage) throws {
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
        Thread {
            defer { close(fd) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !stopped.isSet {
                guard poll(&poller, 1, 100) > 0 else { continue }
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                Thread { Self.serve(client, stage: stage, stopped: stopped, log: log) }.start()
            }
        }.start()
    }

    deinit { stopped.set() }

    private static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: count)
        while bytes.count < count {
            let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - bytes.count, 0) }
            guard got > 0 else { return nil }
            bytes += chunk[..<got]
        }
        return bytes
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    private static func trickle(_ fd: Int32, _ byte: UInt8, stopped: StopFlag, log: HangUpLog) {
        let start = ContinuousClock.now
        for _ in 0..<60 where !stopped.isSet {
            usleep(1_000_000)
            guard send(fd, [byte]) else {
                log.append(start.duration(to: .now))
                return
            }
        }
    }

    private static func serve(_ fd: Int32, stage: Stage, stopped: StopFlag, log: HangUpLog) {
        defer { close(fd) }
        // The startup packet, after any number of SSLRequest/GSSENCRequest packets answered `N`.
        while true {
            guard let header = readExactly(fd, 8) else { return }
            let length = Int(UInt32(bigEndian: header.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
            let code = UInt32(bigEndian: header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) })
            if length == 8 && (code == 80_877_103 || code == 80_877_104) {
                guard send(fd, Array("N".utf8)) else { return }
                continue
            }
            guard length > 8, readExactly(fd, length - 8) != nil else { return }
            break
        }
        if stage == .login {
            trickle(fd, UInt8(ascii: "R"), stopped: stopped, log: log)
            return
        }
        let authenticationOK: [UInt8] = [UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 0]
        let readyForQuery: [UInt8] = [UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I")]
        guard send(fd, authenticationOK + readyForQuery) else { return }
        var scratch = [UInt8](repeating: 0, count: 4096)
        guard scratch.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 else { return }
        trickle(fd, UInt8(ascii: "1"), stopped: stopped, log: log)
    }
}

/// The PostgreSQL client's own deadlines hold against a server that keeps sending, slowly.
@Suite("PostgreSQL deadlines against a trickling server")
struct PostgresDeadlineTests {
    static func connectionString(port: UInt16, _ extra: String) -> String {
        "Host=127.0.0.1;Port=\(port);Username=u;Password=pw-deadline;SSL Mode=Disable;\(extra)"
    }

    @Test("a login answered one byte a second ends with a timeout at the Timeout deadline")
    func login() async throws {
        let server = try TricklingPostgres(trickling: .login)
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresConnection.connect(Self.connectionString(port: server.port, "Timeout=2"))
        }
        #expect(error.kind == .timeout, "\(error)")
        #expect(error.step == "connect")
        let hangUp = try await server.firstHangUp()
        #expect(hangUp.map { $0 < .seconds(15) } == true, "the client let go after \(String(describing: hangUp))")
        #expect(!error.description.contains("pw-deadline"))
        withExtendedLifetime(server) {}
    }

    @Test("a statement answered one byte a second ends with a timeout at the Command Timeout deadline and closes the connection")
    func statement() async throws {
        let server = try TricklingPostgres(trickling: .statement)
        let connection = try await PostgresConnection.connect(Self.connectionString(port: server.port, "Timeout=10;Command Timeout=2"))
        let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error.kind == .timeout, "\(error)")
        #expect(error.step == "SELECT")
        #expect(error.description.contains("Command Timeout"))
        let hangUp = try await server.firstHangUp()
        #expect(hangUp.map { $0 < .seconds(15) } == true, "the client let go after \(String(describing: hangUp))")
        let after = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(after.kind == .connection)
        #expect(after.description.contains("the connection is closed"))
        withExtendedLifetime(server) {}
    }

    @Test("Command Timeout is read from the connection string; a bad value is a configuration error naming the key")
    func commandTimeoutSetting() async throws {
        #expect(try NpgsqlConnectionString("Host=h;Command Timeout=7").commandTimeout == 7)
        #expect(try NpgsqlConnectionString("Host=h;CommandTimeout=0").commandTimeout == 0)
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresConnection.connect("Host=127.0.0.1;Port=1;Username=u;Command Timeout=soon")
        }
        #expect(error.kind == .configuration)
        #expect(error.description.contains("Command Timeout=soon"))
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
