/// A StackExchange.Redis configuration string, read in full and written back byte for byte:
/// `primary:6379,replica:6380,password=...,ssl=True,abortConnect=False,user=app,sslHost=cache.example`.
///
/// The string is `,`-separated parts, each trimmed of spaces; a part with an `=` after its first
/// byte is an option (`key=value`, split at the first `=`, the key case-insensitive, the last of
/// a repeated key winning), any other non-empty part an endpoint (`host`, `host:port`,
/// `[v6]:port` or a bare IPv6 address). Empty parts are skipped. Values cannot hold a `,`.
///
/// ``text`` is the string as given; ``replacingPassword(with:)`` changes the password's bytes and
/// no others. ``description`` never shows the password. Which fields are credentials for
/// redaction is `CredentialClassifier`'s business (QSLConfigCore), not this type's.
public struct RedisConnectionString: Sendable, Equatable, CustomStringConvertible {
    public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        /// The host name or address, without the brackets of an IPv6 literal.
        public var host: String
        /// The port as written, `nil` when the endpoint has none.
        public var port: Int?

        /// The port a client connects to: the one written, else 6380 with TLS and 6379 without
        /// (StackExchange.Redis's defaults).
        public func port(tls: Bool) -> Int { port ?? (tls ? 6380 : 6379) }

        public var description: String {
            let shown = host.contains(":") ? "[\(host)]" : host
            return port.map { "\(shown):\($0)" } ?? shown
        }
    }

    public struct Option: Sendable, Equatable {
        /// The key as written (trimmed), for example `abortConnect`.
        public var key: String
        /// The value as written (trimmed).
        public var value: String
        /// Where the value sits in ``RedisConnectionString/text``, in UTF-8 offsets.
        var valueRange: Range<Int>
    }

    /// The string as given.
    public let text: String
    public let endpoints: [Endpoint]
    /// Every option in order, repeats included.
    public let options: [Option]

    /// The options StackExchange.Redis knows (lowercased); others are kept, and listed in
    /// ``unrecognizedKeys``.
    static let booleanKeys: Set<String> = [
        "abortconnect", "allowadmin", "ssl", "resolvedns", "checkcertificaterevocation", "highprioritysocketthreads", "setlib",
    ]
    static let integerKeys: Set<String> = [
        "connecttimeout", "synctimeout", "asynctimeout", "connectretry", "defaultdatabase", "keepalive", "configcheckseconds",
        "responsetimeout", "writebuffer",
    ]
    static let stringKeys: Set<String> = [
        "password", "user", "sslhost", "name", "channelprefix", "configchannel", "servicename", "tiebreaker", "version", "proxy",
        "sslprotocols", "protocol",
    ]

    public init(_ text: String) throws(RedisConnectionStringError) {
        let bytes = Array(text.utf8)
        var endpoints: [Endpoint] = []
        var options: [Option] = []
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x2C) ?? bytes.count  // ,
            var lo = start, hi = end
            while lo < hi, Self.isSpace(bytes[lo]) { lo += 1 }
            while hi > lo, Self.isSpace(bytes[hi - 1]) { hi -= 1 }
            defer { start = end + 1 }
            guard lo < hi else { continue }
            if let equals = bytes[lo..<hi].firstIndex(of: 0x3D) {  // =
                guard equals > lo else { throw .emptyKey(part: options.count + endpoints.count + 1) }
                var keyEnd = equals
                while keyEnd > lo, Self.isSpace(bytes[keyEnd - 1]) { keyEnd -= 1 }
                var valueStart = equals + 1
                while valueStart < hi, Self.isSpace(bytes[valueStart]) { valueStart += 1 }
                let key = String(decoding: bytes[lo..<keyEnd], as: UTF8.self)
                let value = String(decoding: bytes[valueStart..<hi], as: UTF8.self)
                try Self.validate(key: key, value: value)
                options.append(Option(key: key, value: value, valueRange: valueStart..<hi))
            } else {
                let part = options.count + endpoints.count + 1
                // After `password=`, a bare part is most likely the rest of a password with a `,`.
                if options.contains(where: { $0.key.lowercased() == "password" }) { throw .afterPassword(part: part) }
                endpoints.append(try Self.endpoint(String(decoding: bytes[lo..<hi], as: UTF8.self), part: part))
            }
        }
        self.text = text
        self.endpoints = endpoints
        self.options = options
    }

    // MARK: Options

    /// The value of `key` (case-insensitive), the last one when repeated.
    public func value(of key: String) -> String? {
        let wanted = key.lowercased()
        return options.last { $0.key.lowercased() == wanted }?.value
    }

    public var password: String? { value(of: "password") }
    public var user: String? { value(of: "user") }
    /// `ssl=True`: connect with TLS.
    public var ssl: Bool { value(of: "ssl").flatMap(Self.boolean) ?? false }
    /// The name the server certificate must carry, when it is not the endpoint's host. An empty
    /// or blank `sslHost=` is no name, as StackExchange.Redis reads it (`IsNullOrWhiteSpace`):
    /// the endpoint's host is checked then, never nothing.
    public var sslHost: String? {
        guard let value = value(of: "sslHost"), value.contains(where: { !$0.isWhitespace }) else { return nil }
        return value
    }
    public var abortConnect: Bool? { value(of: "abortConnect").flatMap(Self.boolean) }
    /// `connectTimeout`, in milliseconds (StackExchange.Redis's default is 5000).
    public var connectTimeoutMilliseconds: Int? { value(of: "connectTimeout").flatMap { Int($0) } }
    /// `syncTimeout`, in milliseconds (StackExchange.Redis's default is 5000).
    public var syncTimeoutMilliseconds: Int? { value(of: "syncTimeout").flatMap { Int($0) } }
    public var defaultDatabase: Int? { value(of: "defaultDatabase").flatMap { Int($0) } }
    /// The client name (`name=`).
    public var clientName: String? { value(of: "name") }

    /// Keys StackExchange.Redis would not know (command renames `$CMD=` are known).
    public var unrecognizedKeys: [String] {
        options.map(\.key).filter { key in
            let lower = key.lowercased()
            return !(key.hasPrefix("$") || Self.booleanKeys.contains(lower) || Self.integerKeys.contains(lower) || Self.stringKeys.contains(lower))
        }
    }

    // MARK: Writing back

    /// The same string with every `password=` value replaced by `newPassword`, every other byte
    /// as it was; `,password=...` appended when there is none.
    public func replacingPassword(with newPassword: String) throws(RedisConnectionStringError) -> RedisConnectionString {
        guard !newPassword.isEmpty else { throw .unwritablePassword(reason: "it is empty") }
        guard !newPassword.contains(",") else { throw .unwritablePassword(reason: "it contains a `,`, which the format cannot hold") }
        let first = newPassword.utf8.first!, last = newPassword.utf8.last!
        guard !Self.isSpace(first), !Self.isSpace(last) else {
            throw .unwritablePassword(reason: "it starts or ends with a space, which the format trims")
        }
        let ranges = options.filter { $0.key.lowercased() == "password" }.map(\.valueRange)
        var bytes = Array(text.utf8)
        if ranges.isEmpty {
            if !bytes.isEmpty { bytes += Array(",".utf8) }
            bytes += Array("password=\(newPassword)".utf8)
        } else {
            for range in ranges.reversed() { bytes.replaceSubrange(range, with: newPassword.utf8) }
        }
        return try RedisConnectionString(String(decoding: bytes, as: UTF8.self))
    }

    /// The string with each password shown as `***`.
    public var description: String {
        var bytes = Array(text.utf8)
        for option in options.reversed() where option.key.lowercased() == "password" {
            bytes.replaceSubrange(option.valueRange, with: "***".utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Parsing

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// A boolean option as StackExchange.Redis reads it: `true`/`false`, `yes`/`no` and
    /// `on`/`off` in any case, or exactly `1`/`0`.
    static func boolean(_ text: String) -> Bool? {
        switch text {
        case "1": return true
        case "0": return false
        default: break
        }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// What ``boolean(_:)`` takes, for messages.
    static let booleanSpellings = "True or False (or yes/no, on/off, 1/0)"

    static func validate(key: String, value: String) throws(RedisConnectionStringError) {
        let lower = key.lowercased()
        if booleanKeys.contains(lower), boolean(value) == nil {
            throw .invalidValue(key: key, expected: Self.booleanSpellings)
        }
        if integerKeys.contains(lower), Int32(value) == nil {
            throw .invalidValue(key: key, expected: "a whole number")
        }
    }

    /// The endpoint part number `part` (1-based, among the non-empty parts). A part that is not
    /// an endpoint is refused without its text: it may be a URL with a password in it
    /// (`redis://user:password@host`), or the rest of a password that held a `,`.
    static func endpoint(_ part: String, part index: Int) throws(RedisConnectionStringError) -> Endpoint {
        let invalid = RedisConnectionStringError.invalidEndpoint(part: index)
        if part.hasPrefix("/") { throw .unixSocket(part: index) }
        if part.contains("@") || part.contains("/") { throw .urlEndpoint(part: index) }
        func port(_ text: Substring) throws(RedisConnectionStringError) -> Int {
            guard let port = Int(text), (1...65535).contains(port) else { throw invalid }
            return port
        }
        func isIPv6(_ text: Substring) -> Bool {
            let address = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return address.count { $0 == ":" } >= 2 && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        if part.hasPrefix("[") {
            guard let close = part.firstIndex(of: "]") else { throw invalid }
            let host = part[part.index(after: part.startIndex)..<close]
            let rest = part[part.index(after: close)...]
            guard isIPv6(host) else { throw invalid }
            if rest.isEmpty { return Endpoint(host: String(host), port: nil) }
            guard rest.hasPrefix(":") else { throw invalid }
            return Endpoint(host: String(host), port: try port(rest.dropFirst()))
        }
        let colons = part.count { $0 == ":" }
        if colons > 1 {
            guard isIPv6(part[...]) else { throw invalid }
            return Endpoint(host: part, port: nil)  // a bare IPv6 address
        }
        if colons == 1 {
            let colon = part.firstIndex(of: ":")!
            let host = String(part[..<colon])
            guard !host.isEmpty else { throw invalid }
            return Endpoint(host: host, port: try port(part[part.index(after: colon)...]))
        }
        return Endpoint(host: part, port: nil)
    }
}

/// Why a StackExchange.Redis string was refused. Never shows a password, nor any text that could
/// hold one: a part is named by its number, an option by its key.
public enum RedisConnectionStringError: Error, Equatable, CustomStringConvertible {
    case emptyKey(part: Int)
    /// Part `part` (1-based, among the non-empty parts) is neither `key=value` nor an endpoint.
    case invalidEndpoint(part: Int)
    /// Part `part` is a URL (`redis://user:password@host:port`), which this format is not.
    case urlEndpoint(part: Int)
    /// Part `part` is an endpoint after `password=`: most likely the rest of a password that
    /// holds a `,`, which the format cannot carry.
    case afterPassword(part: Int)
    /// Part `part` is a Unix socket path, which qsl-config's Redis client does not connect to.
    case unixSocket(part: Int)
    /// A known option whose value does not read (`ssl=maybe`).
    case invalidValue(key: String, expected: String)
    /// A new password the format cannot carry.
    case unwritablePassword(reason: String)
    /// Connection options asked for an endpoint the string does not have.
    case noEndpoint(index: Int, count: Int)

    public var description: String {
        switch self {
        case .emptyKey(let part): "Redis connection string: part \(part) has an `=` but no key"
        case .invalidEndpoint(let part): "Redis connection string: part \(part) is not key=value, host, host:port or [address]:port (its text is not shown: it may hold part of a password)"
        case .urlEndpoint(let part):
            "Redis connection string: part \(part) is a URL (scheme://user:password@host); write StackExchange.Redis's form, host:port,user=...,password=... (the URL is not shown)"
        case .afterPassword(let part):
            "Redis connection string: part \(part) follows `password=` and is not key=value; a password cannot hold a `,` in this format (its text is not shown: it may be part of the password), and endpoints go before the options"
        case .unixSocket(let part): "Redis connection string: part \(part) is a Unix socket path; qsl-config connects to Redis over TCP only (host:port)"
        case .invalidValue(let key, let expected): "Redis connection string: `\(key)` must be \(expected) (the value is not shown)"
        case .unwritablePassword(let reason): "Redis connection string: the new password cannot be written: \(reason)"
        case .noEndpoint(let index, let count): "Redis connection string: no endpoint \(index + 1) (it has \(count))"
        }
    }
}
