import CLibSSL
import QSLConfigCore
import QSLCrypto
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where and how to connect.
public struct RedisConnectionOptions: Sendable {
    public struct TLS: Sendable {
        /// Verify the server's certificate chain and name. Off only for a test against a
        /// self-signed server whose CA is not at hand.
        public var verifyPeer: Bool
        /// A PEM file of the CAs to trust; the system's when `nil`.
        public var caFile: String?
        /// The name the certificate must carry (StackExchange.Redis's `sslHost`); the host when
        /// `nil`. Also sent as SNI when it is not an IP address.
        public var serverName: String?

        public init(verifyPeer: Bool = true, caFile: String? = nil, serverName: String? = nil) {
            self.verifyPeer = verifyPeer
            self.caFile = caFile
            self.serverName = serverName
        }
    }

    public var host: String
    public var port: Int
    /// TLS, or plain TCP when `nil`.
    public var tls: TLS?
    /// For the TCP connection and the TLS handshake together.
    public var connectTimeout: Duration
    /// For each command: writing it and reading its whole reply.
    public var commandTimeout: Duration
    /// The user to name in errors before ``RedisConnection/auth(user:password:)`` names one.
    public var user: String?

    public init(
        host: String, port: Int, tls: TLS? = nil, connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(5),
        user: String? = nil
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.user = user
    }

    /// The options a StackExchange.Redis string gives for one of its endpoints: `ssl`,
    /// `sslHost`, `connectTimeout`, `syncTimeout` and `user`. The password is not kept here:
    /// pass it to ``RedisConnection/auth(user:password:)``.
    /// Throws `.noEndpoint` when the string has no endpoint at that index (never a silent
    /// `localhost`).
    public init(_ string: RedisConnectionString, endpoint: Int = 0, caFile: String? = nil) throws(RedisConnectionStringError) {
        guard string.endpoints.indices.contains(endpoint) else { throw .noEndpoint(index: endpoint, count: string.endpoints.count) }
        let target = string.endpoints[endpoint]
        self.init(
            host: target.host, port: target.port(tls: string.ssl),
            tls: string.ssl ? TLS(verifyPeer: true, caFile: caFile, serverName: string.sslHost) : nil,
            connectTimeout: .milliseconds(string.connectTimeoutMilliseconds ?? 5000),
            commandTimeout: .milliseconds(string.syncTimeoutMilliseconds ?? 5000), user: string.user)
    }
}

/// One Redis connection speaking RESP2 over TCP, with TLS from the system OpenSSL (libssl and
/// libcrypto, loaded with `dlopen` at the first TLS connection; without them, `.tls` naming the
/// library and the Debian package to install).
///
/// The socket is non-blocking and every wait is a `poll` bounded by the connect timeout or the
/// command's deadline; the blocking calls (`getaddrinfo`, `poll`) run on a serial dispatch queue
/// of the connection's own, never on the Swift concurrency pool. A timeout or an I/O failure
/// closes the connection (a reply may be half read): later commands fail with `.closed`.
///
/// TLS runs over memory BIOs, so every byte goes through `send(MSG_NOSIGNAL)` and a peer that
/// goes away never raises SIGPIPE.
public final class RedisConnection: @unchecked Sendable {
    // Everything below `options` is touched only on `queue`.
    public let options: RedisConnectionOptions
    private let queue: DispatchQueue
    private var fd: Int32 = -1
    private var context: OpaquePointer?
    private var ssl: OpaquePointer?
    /// The TLS engine's input (bytes from the socket) and output (bytes for the socket).
    private var networkIn: OpaquePointer?
    private var networkOut: OpaquePointer?
    private var buffer: [UInt8] = []
    private var user: String?

    private init(options: RedisConnectionOptions) {
        self.options = options
        self.user = options.user
        self.queue = DispatchQueue(label: "qsl-config.redis.\(options.host):\(options.port)")
    }

    deinit { release() }

    /// Connects (and, with ``RedisConnectionOptions/tls``, completes the handshake) within the
    /// connect timeout.
    public static func connect(_ options: RedisConnectionOptions) async throws -> RedisConnection {
        let connection = RedisConnection(options: options)
        try await connection.onQueue { try connection.open() }
        return connection
    }

    // MARK: Commands

    /// `AUTH [user] password`. A wrong password is `.authenticationFailed`.
    public func auth(user: String?, password: String) async throws {
        try await onQueue {
            if let user { self.user = user }
            let arguments = ["AUTH"] + (user.map { [$0] } ?? []) + [password]
            let reply = try self.roundTrip(arguments, step: "AUTH", secrets: [password])
            try self.expectOK(reply, step: "AUTH")
        }
    }

    /// `PING`: `PONG`.
    public func ping() async throws -> String {
        try await onQueue {
            let reply = try self.roundTrip(["PING"], step: "PING", secrets: [])
            guard let text = reply.string else { throw self.failure(.protocolError, "PING", "unexpected reply \(Self.shape(reply))") }
            return text
        }
    }

    /// `ACL SETUSER user >password`: adds a password; the user's others stay valid.
    public func aclAddPassword(user: String, password: String) async throws {
        try await onQueue {
            let step = "ACL SETUSER \(user) (add password)"
            try self.expectOK(try self.roundTrip(["ACL", "SETUSER", user, ">" + password], step: step, secrets: [password]), step: step)
        }
    }

    /// `ACL SETUSER user <password`: removes a password. One the user does not have throws
    /// `.passwordNotSet`, which a rotation takes as done.
    public func aclRemovePassword(user: String, password: String) async throws {
        try await onQueue {
            let step = "ACL SETUSER \(user) (remove password)"
            try self.expectOK(try self.roundTrip(["ACL", "SETUSER", user, "<" + password], step: step, secrets: [password]), step: step)
        }
    }

    /// `ACL SAVE`: writes the server's users to its `aclfile`.
    public func aclSave() async throws {
        try await onQueue { try self.expectOK(try self.roundTrip(["ACL", "SAVE"], step: "ACL SAVE", secrets: []), step: "ACL SAVE") }
    }

    /// Makes this server's users outlive a restart after an `ACL SETUSER`: `ACL SAVE` when it
    /// keeps them in an ACL file (`aclfile`), else `CONFIG REWRITE`, which writes them as `user`
    /// lines of its config file. A server started without either keeps no user over a restart,
    /// before a change or after it: nothing to write then.
    public func persistUsers() async throws {
        if let aclFile = try await configGet("aclfile")["aclfile"], !aclFile.isEmpty {
            try await aclSave()
            return
        }
        do {
            try await onQueue { try self.expectOK(try self.roundTrip(["CONFIG", "REWRITE"], step: "CONFIG REWRITE", secrets: []), step: "CONFIG REWRITE") }
        } catch let error as RedisError where error.kind == .server && error.detail.contains("without a config file") {
            return
        }
    }

    /// `ACL GETUSER user`: `nil` when there is no such user.
    public func aclGetUser(_ name: String) async throws -> RedisACLUser? {
        try await onQueue {
            let step = "ACL GETUSER \(name)"
            // The user's passwords are compared by their SHA-256 (``RedisACLUser/hasPassword(_:)``),
            // from libcrypto, which a connection without TLS has not loaded: loaded here, where a
            // failure is an error naming the library rather than a stop.
            do { try Crypto.loadLibrary() } catch { throw self.failure(.tls, step, "\(error)") }
            let reply = try self.roundTrip(["ACL", "GETUSER", name], step: step, secrets: [])
            if case .array(nil) = reply { return nil }
            if case .bulkString(nil) = reply { return nil }
            guard let fields = reply.array, fields.count % 2 == 0 else {
                throw self.failure(.protocolError, step, "unexpected reply \(Self.shape(reply))")
            }
            var user = RedisACLUser(name: name, fields: [:])
            for index in stride(from: 0, to: fields.count, by: 2) {
                if let key = fields[index].string { user.fields[key] = fields[index + 1] }
            }
            return user
        }
    }

    /// `CONFIG GET pattern`: the matching parameters and their values.
    public func configGet(_ pattern: String) async throws -> [String: String] {
        try await onQueue {
            let step = "CONFIG GET \(pattern)"
            let reply = try self.roundTrip(["CONFIG", "GET", pattern], step: step, secrets: [])
            guard let values = reply.array, values.count % 2 == 0 else {
                throw self.failure(.protocolError, step, "unexpected reply \(Self.shape(reply))")
            }
            var out: [String: String] = [:]
            for index in stride(from: 0, to: values.count, by: 2) {
                if let key = values[index].string { out[key] = values[index + 1].string ?? "" }
            }
            return out
        }
    }

    /// Any command; an error reply throws. `secrets` are the arguments never to show (the
    /// server may echo them in an error).
    public func command(_ arguments: [String], secrets: [String] = []) async throws -> RESPValue {
        try await onQueue {
            let step = arguments.first.map { $0.uppercased() } ?? "command"
            let reply = try self.roundTrip(arguments, step: step, secrets: secrets)
            if case .error = reply { try self.expectOK(reply, step: step) }
            return reply
        }
    }

    /// `QUIT`, then closes. Never throws: the connection ends either way.
    public func quit() async {
        try? await onQueue {
            defer { self.release() }
            guard self.fd >= 0 else { return }
            _ = try? self.roundTrip(["QUIT"], step: "QUIT", secrets: [])
        }
    }

    /// Closes without a word to the server.
    public func close() async {
        try? await onQueue { self.release() }
    }

    // MARK: On the queue

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func failure(_ kind: RedisError.Kind, _ step: String, _ detail: String, code: String? = nil) -> RedisError {
        RedisError(kind: kind, step: step, host: options.host, port: options.port, user: user, serverCode: code, detail: detail)
    }

    private func release() {
        if let ssl { SSL_free(ssl) }  // frees its BIOs too
        ssl = nil
        networkIn = nil
        networkOut = nil
        if let context { SSL_CTX_free(context) }
        context = nil
        if fd >= 0 { _ = Glibc_close(fd) }
        fd = -1
        buffer = []
    }

    private static func shape(_ reply: RESPValue) -> String {
        switch reply {
        case .simpleString: "simple string"
        case .error: "error"
        case .integer: "integer"
        case .bulkString(nil): "null"
        case .bulkString: "bulk string"
        case .array(nil): "null array"
        case .array: "array"
        }
    }

    private static func redact(_ text: String, _ secrets: [String]) -> String {
        var out = text
        for secret in secrets where !secret.isEmpty { out = out.replacing(secret, with: "***") }
        return out
    }

    private func expectOK(_ reply: RESPValue, step: String) throws {
        switch reply {
        case .simpleString("OK"): return
        case .error(let message):
            let code = String(message.prefix { $0 != " " })
            let kind: RedisError.Kind
            if code == "WRONGPASS" || message.contains("invalid password") || message.contains("invalid username-password") {
                kind = .authenticationFailed
            } else if message.contains("password you are trying to remove") {
                kind = .passwordNotSet
            } else {
                kind = .server
            }
            throw failure(kind, step, message, code: code)
        default:
            throw failure(.protocolError, step, "unexpected reply \(Self.shape(reply))")
        }
    }

    /// Writes one command and reads its reply before the command's deadline; error replies are
    /// returned with the secrets redacted.
    private func roundTrip(_ arguments: [String], step: String, secrets: [String]) throws -> RESPValue {
        guard fd >= 0 else { throw failure(.closed, step, "the connection is closed") }
        let deadline = ContinuousClock.now + options.commandTimeout
        do {
            try writeAll(RESP.encode(arguments), step: step, deadline: deadline)
            while true {
                do {
                    if let (value, consumed) = try RESP.decode(buffer[...]) {
                        buffer.removeFirst(consumed)
                        if case .error(let message) = value { return .error(Self.redact(message, secrets)) }
                        return value
                    }
                } catch {
                    throw failure(.protocolError, step, error.description)
                }
                try readSome(step: step, deadline: deadline)
            }
        } catch let error as RedisError {
            release()
            throw error
        }
    }

    // MARK: Sockets

    private static let streamType: Int32 = {
        #if canImport(Glibc) || canImport(Musl)
        Int32(SOCK_STREAM.rawValue)
        #else
        SOCK_STREAM
        #endif
    }()

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(ms, 0))
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Waits for `events` on the socket until the deadline.
    private func wait(_ events: Int32, step: String, deadline: ContinuousClock.Instant) throws {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else {
                throw failure(.timeout, step, "timed out waiting for the server to \(events == Int32(POLLOUT) ? "accept data" : "answer")")
            }
            var descriptor = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = poll(&descriptor, 1, Self.milliseconds(remaining))
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw failure(.io, step, "poll: \(Self.errorText(errno))") }
        }
    }

    private func open() throws {
        // Before any connection: a machine without libssl (or libcrypto) learns what to install.
        if options.tls != nil, let problem = Self.loadLibrary() { throw failure(.tls, "TLS handshake", problem) }
        let deadline = ContinuousClock.now + options.connectTimeout
        try connectSocket(deadline: deadline)
        if let tls = options.tls { try handshake(tls, deadline: deadline) }
    }

    private func connectSocket(deadline: ContinuousClock.Instant) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Self.streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(options.host, String(options.port), &hints, &list)
        guard status == 0, let first = list else {
            throw failure(.resolve, "connect", "cannot resolve the host: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var lastError = failure(.connect, "connect", "no address")
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next {
            next = address.pointee.ai_next
            let socketFD = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard socketFD >= 0 else {
                lastError = failure(.connect, "connect", "socket: \(Self.errorText(errno))")
                continue
            }
            _ = fcntl(socketFD, F_SETFD, FD_CLOEXEC)
            _ = fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK)
            #if canImport(Darwin)
            var one: Int32 = 1
            _ = setsockopt(socketFD, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            fd = socketFD
            if Glibc_connect(socketFD, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { break }
            let code = errno
            if code == EINPROGRESS {
                do {
                    try wait(Int32(POLLOUT), step: "connect", deadline: deadline)
                } catch {
                    release()
                    throw error
                }
                var soError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(socketFD, SOL_SOCKET, SO_ERROR, &soError, &length)
                if soError == 0 { break }
                lastError = failure(.connect, "connect", Self.errorText(soError))
            } else {
                lastError = failure(.connect, "connect", Self.errorText(code))
            }
            release()
        }
        guard fd >= 0 else { throw lastError }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends all of `bytes` on the socket.
    private func sendRaw(_ bytes: UnsafeRawBufferPointer, step: String, deadline: ContinuousClock.Instant) throws {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Darwin)
            let flags: Int32 = 0
            #else
            let flags = Int32(MSG_NOSIGNAL)
            #endif
            let sent = Glibc_send(fd, bytes.baseAddress! + offset, bytes.count - offset, flags)
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try wait(Int32(POLLOUT), step: step, deadline: deadline)
            } else {
                throw failure(.io, step, "send: \(Self.errorText(errno))")
            }
        }
    }

    /// Reads what the socket has (waiting for something) into `into`.
    private func receiveRaw(step: String, deadline: ContinuousClock.Instant) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(chunk[..<count]) }
            if count == 0 { throw failure(.closed, step, "the server closed the connection") }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try wait(Int32(POLLIN), step: step, deadline: deadline)
            } else {
                throw failure(.io, step, "recv: \(Self.errorText(errno))")
            }
        }
    }

    private func writeAll(_ bytes: [UInt8], step: String, deadline: ContinuousClock.Instant) throws {
        guard ssl != nil else {
            try bytes.withUnsafeBytes { try sendRaw($0, step: step, deadline: deadline) }
            return
        }
        var offset = 0
        while offset < bytes.count {
            let written = try tls(step: step, deadline: deadline) { ssl in
                bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32(clamping: $0.count - offset)) }
            }
            offset += Int(written)
        }
    }

    private func readSome(step: String, deadline: ContinuousClock.Instant) throws {
        guard ssl != nil else {
            buffer += try receiveRaw(step: step, deadline: deadline)
            return
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = try tls(step: step, deadline: deadline) { ssl in
            chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        }
        buffer += chunk[..<Int(count)]
    }

    // MARK: TLS

    /// Loads libcrypto then libssl (`libssl.so.3`, or `QSL_LIBSSL_PATH` when an operator set it),
    /// once per process, before the first TLS connection: qsl-config links neither, so only a
    /// command that speaks TLS to Redis loads libssl. `nil`, or why one could not be loaded
    /// (naming the library and the Debian package to install).
    static func loadLibrary() -> String? {
        LibraryLoaderMessage.failure { qsl_ssl_load($0, $1) }
    }

    /// What loading the libssl at `path` would say, without loading it for the process: `nil` when
    /// it opens and has every function qsl-config calls.
    static func probeLibrary(at path: String) -> String? {
        LibraryLoaderMessage.failure { qsl_ssl_probe(path, $0, $1) }
    }

    /// The OpenSSL errors queued on this thread, as one line.
    private static func openSSLErrors() -> String {
        var lines: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            lines.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines.isEmpty ? "" : lines.joined(separator: "; ")
    }

    /// Moves what the TLS engine wrote to the socket.
    private func flushTLS(step: String, deadline: ContinuousClock.Instant) throws {
        guard let networkOut else { return }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while qsl_bio_pending(networkOut) > 0 {
            let count = chunk.withUnsafeMutableBytes { BIO_read(networkOut, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { break }
            try chunk.withUnsafeBytes { try sendRaw(UnsafeRawBufferPointer(rebasing: $0[..<Int(count)]), step: step, deadline: deadline) }
        }
    }

    /// Runs one OpenSSL call until it makes progress, moving bytes between the socket and the
    /// engine; its positive result.
    private func tls(step: String, deadline: ContinuousClock.Instant, _ call: (OpaquePointer) -> Int32) throws -> Int32 {
        guard let ssl, let networkIn else { throw failure(.closed, step, "the connection is closed") }
        while true {
            ERR_clear_error()
            let result = call(ssl)
            let reason = SSL_get_error(ssl, result)
            let errors = Self.openSSLErrors()
            try flushTLS(step: step, deadline: deadline)
            if result > 0 { return result }
            switch reason {
            case SSL_ERROR_WANT_READ:
                let bytes = try receiveRaw(step: step, deadline: deadline)
                _ = bytes.withUnsafeBytes { BIO_write(networkIn, $0.baseAddress, Int32($0.count)) }
            case SSL_ERROR_WANT_WRITE:
                continue
            case SSL_ERROR_ZERO_RETURN:
                throw failure(.closed, step, "the server closed the TLS session")
            default:
                let verify = SSL_get_verify_result(ssl)
                if verify != X509_V_OK {
                    let text = String(cString: X509_verify_cert_error_string(verify))
                    throw failure(.tls, step, "the server certificate was refused: \(text)")
                }
                throw failure(.tls, step, errors.isEmpty ? "TLS error \(reason)" : errors)
            }
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    private func handshake(_ tls: RedisConnectionOptions.TLS, deadline: ContinuousClock.Instant) throws {
        let step = "TLS handshake"
        do {
            ERR_clear_error()
            guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure(.tls, step, Self.openSSLErrors()) }
            self.context = context
            _ = qsl_ssl_ctx_set_min_tls12(context)
            _ = qsl_ssl_ctx_set_auto_retry(context)
            // An empty name would switch OpenSSL's name check off (`SSL_set1_host` with "" clears it).
            let name = tls.serverName.flatMap { $0.isEmpty ? nil : $0 } ?? options.host
            guard !name.isEmpty else { throw failure(.tls, step, "no name to check the server's certificate against") }
            if tls.verifyPeer {
                SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
                if let caFile = tls.caFile {
                    guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                        throw failure(.tls, step, "cannot load the CA file \(caFile): \(Self.openSSLErrors())")
                    }
                } else {
                    SSL_CTX_set_default_verify_paths(context)
                }
            }
            guard let ssl = SSL_new(context), let networkIn = BIO_new(BIO_s_mem()), let networkOut = BIO_new(BIO_s_mem()) else {
                throw failure(.tls, step, Self.openSSLErrors())
            }
            SSL_set_bio(ssl, networkIn, networkOut)
            self.ssl = ssl
            self.networkIn = networkIn
            self.networkOut = networkOut
            if tls.verifyPeer {
                guard SSL_set1_host(ssl, name) == 1 else { throw failure(.tls, step, "cannot check for the name \(name)") }
            }
            if !Self.isIPAddress(name) { _ = qsl_ssl_set_tlsext_host_name(ssl, name) }
            SSL_set_connect_state(ssl)
            _ = try self.tls(step: step, deadline: deadline) { SSL_do_handshake($0) }
        } catch {
            release()
            throw error
        }
    }
}

/// `ACL GETUSER`'s reply: `flags`, `passwords` (SHA-256 hex), `commands`, `keys`, ...
public struct RedisACLUser: Sendable {
    public var name: String
    public var fields: [String: RESPValue]

    public var flags: [String] { fields["flags"]?.array?.compactMap(\.string) ?? [] }
    /// The SHA-256 (hex) of each password the user has.
    public var passwordHashes: [String] { fields["passwords"]?.array?.compactMap(\.string) ?? [] }
    public var isEnabled: Bool { flags.contains("on") }

    /// Whether `password` is one of the user's, by its SHA-256.
    public func hasPassword(_ password: String) -> Bool { passwordHashes.contains(Self.passwordHash(password)) }

    /// How Redis keeps a password (`ACL GETUSER`, `ACL SAVE`'s `#...`): its SHA-256 in hex.
    ///
    /// libcrypto is loaded on first use (a TLS connection has loaded it already); when it cannot
    /// be, the process stops with the loader's message, which names the library and the package
    /// (never the password).
    public static func passwordHash(_ password: String) -> String {
        Crypto.hex(Crypto.sha256(password))
    }
}

// The C functions whose names the connection's own methods shadow.
private func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }
private func Glibc_connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>!, _ length: socklen_t) -> Int32 { connect(fd, address, length) }
private func Glibc_send(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int { send(fd, bytes, count, flags) }
