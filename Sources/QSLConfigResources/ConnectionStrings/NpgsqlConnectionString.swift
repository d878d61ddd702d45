/// An Npgsql (ADO.NET) connection string, read in full and written back byte for byte:
/// `Host=db;Port=5432;Username=app;Password="a;b";SSL Mode=VerifyFull;Root Certificate=/ca.pem`.
///
/// The grammar is `DbConnectionStringBuilder`'s: `;`-separated `key=value` pairs; keys are
/// case-insensitive with spaces around them ignored (and `==` in a key is a literal `=`); a value
/// quoted with `"` or `'` may hold `;` and its own quote doubled; an unquoted value runs to the
/// next `;` with spaces around it ignored. A later pair wins over an earlier one of the same key
/// or synonym.
///
/// ``replacing(password:username:)`` changes only the password (and the user) value bytes: every
/// other byte of the text stays as it was, and the new value is quoted as `DbConnectionStringBuilder`
/// quotes it (``encode(_:)``).
///
/// The credential classifier (`CredentialValueScanner.adoNetFields()` in QSLConfigCore) scans the
/// same grammar for redaction on the reference-folded shape of any configuration value; this
/// type is the full reader a resource client needs, and it stays out of the start-up library.
public struct NpgsqlConnectionString: Sendable, Equatable, CustomStringConvertible {
    /// The keywords this client understands, each with Npgsql's synonyms.
    public enum Keyword: String, Sendable, CaseIterable {
        case host, port, database, username, password, sslMode, trustServerCertificate, timeout, commandTimeout, rootCertificate

        /// The keyword a key names: lower case, spaces removed (`User ID`, `SslMode`, `UID`).
        public init?(key: String) {
            let folded = String(key.lowercased().filter { $0 != " " })
            switch folded {
            case "host", "server": self = .host
            case "port": self = .port
            case "database", "db": self = .database
            case "username", "userid", "uid", "user": self = .username
            case "password", "pwd", "psw": self = .password
            case "sslmode": self = .sslMode
            case "trustservercertificate": self = .trustServerCertificate
            case "timeout", "connecttimeout", "connectiontimeout": self = .timeout
            case "commandtimeout": self = .commandTimeout
            case "rootcertificate": self = .rootCertificate
            default: return nil
            }
        }
    }

    /// Npgsql's `SSL Mode` values, with the libpq `sslmode` each maps to.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require, verifyCA, verifyFull

        /// Case-insensitive, `-` and `_` ignored: `VerifyFull`, `verify-full`, `REQUIRE`.
        public init?(npgsql text: String) {
            let folded = String(text.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
            switch folded {
            case "disable": self = .disable
            case "allow": self = .allow
            case "prefer": self = .prefer
            case "require": self = .require
            case "verifyca": self = .verifyCA
            case "verifyfull": self = .verifyFull
            default: return nil
            }
        }

        public var libpq: String {
            switch self {
            case .disable: "disable"
            case .allow: "allow"
            case .prefer: "prefer"
            case .require: "require"
            case .verifyCA: "verify-ca"
            case .verifyFull: "verify-full"
            }
        }
    }

    /// One `key=value` pair as it stands in the text.
    public struct Pair: Sendable, Equatable {
        /// The key, spaces around it removed and `==` read as `=`.
        public var key: String
        /// The value, unquoted, doubled quotes read as one.
        public var value: String
        /// The keyword the key names, `nil` for keys this client does not read.
        public var keyword: Keyword?
        /// Where the value's token (with its quotes, without spaces around it) is in the text's
        /// UTF-8 bytes.
        public var valueRange: Range<Int>
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        /// The UTF-8 offset where reading stopped. The message never holds the text, which can
        /// hold a password.
        public var offset: Int
        public var reason: String
        public var description: String { "connection string: \(reason) at byte \(offset)" }
    }

    /// The text as given.
    public let text: String
    /// Every pair, in order (including repeats and keys this client does not read).
    public let pairs: [Pair]

    public init(_ text: String) throws(ParseError) {
        self.text = text
        self.pairs = try Self.parse(Array(text.utf8))
    }

    public var description: String {
        // Never the password: the keys and which of them are set.
        "NpgsqlConnectionString(\(pairs.map { $0.keyword == .password ? "\($0.key)=***" : "\($0.key)=\($0.value)" }.joined(separator: ";")))"
    }

    // MARK: Values

    /// The last value given for a keyword or any of its synonyms.
    public subscript(keyword: Keyword) -> String? {
        pairs.last { $0.keyword == keyword }?.value
    }

    /// The last value of a key this client does not read, by case-insensitive key.
    public func value(forKey key: String) -> String? {
        let folded = key.lowercased().filter { $0 != " " }
        return pairs.last { $0.key.lowercased().filter { $0 != " " } == folded }?.value
    }

    public var host: String? { self[.host] }
    public var database: String? { self[.database] }
    public var username: String? { self[.username] }
    public var password: String? { self[.password] }
    public var rootCertificate: String? { self[.rootCertificate] }

    public struct ValueError: Error, Equatable, CustomStringConvertible {
        public var key: String
        public var value: String
        public var description: String { "connection string: \(key)=\(value) is not a valid value" }
    }

    public var port: Int? {
        get throws(ValueError) { try integer(.port, in: 1...65535) }
    }

    /// One server of `Host`: a name, an address or a socket folder, and its own port if the
    /// host names one.
    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int?
    }

    /// The servers `Host` names, as Npgsql reads it: comma-separated, each optionally with its
    /// port (`db1:5433,db2`, `[::1]:5433`). A host with one `:` ends in its port; an IPv6
    /// address is written in brackets to carry one (the brackets are dropped here, as libpq
    /// wants the bare address), and one with several colons and no brackets is an address with
    /// no port. A host that starts with `/` is a socket folder, never split. Empty when there is
    /// no `Host`.
    public var servers: [Server] {
        get throws(ValueError) {
            guard let pair = pairs.last(where: { $0.keyword == .host }) else { return [] }
            var servers: [Server] = []
            for part in pair.value.split(separator: ",", omittingEmptySubsequences: false) {
                let text = String(String(part).trimmingSpaces)
                guard !text.isEmpty else { throw ValueError(key: pair.key, value: pair.value) }
                if text.hasPrefix("/") {
                    servers.append(Server(host: text))
                    continue
                }
                if text.hasPrefix("[") {
                    // `[address]` or `[address]:port`.
                    guard let close = text.firstIndex(of: "]"), close > text.index(after: text.startIndex) else { throw ValueError(key: pair.key, value: pair.value) }
                    let address = String(text[text.index(after: text.startIndex)..<close])
                    let rest = text[text.index(after: close)...]
                    if rest.isEmpty {
                        servers.append(Server(host: address))
                    } else {
                        guard rest.first == ":", let port = Int(String(rest.dropFirst())), (1...65535).contains(port) else { throw ValueError(key: pair.key, value: pair.value) }
                        servers.append(Server(host: address, port: port))
                    }
                    continue
                }
                let colons = text.count(where: { $0 == ":" })
                if colons == 1, let colon = text.firstIndex(of: ":") {
                    guard colon != text.startIndex, let port = Int(String(text[text.index(after: colon)...])), (1...65535).contains(port) else {
                        throw ValueError(key: pair.key, value: pair.value)
                    }
                    servers.append(Server(host: String(text[..<colon]), port: port))
                } else {
                    servers.append(Server(host: text))
                }
            }
            return servers
        }
    }

    /// `Timeout`, in seconds (0 is "wait forever" to Npgsql and libpq alike).
    public var timeout: Int? {
        get throws(ValueError) { try integer(.timeout, in: 0...86400) }
    }

    /// `Command Timeout`, in seconds: how long one statement may take (0 is "wait forever").
    public var commandTimeout: Int? {
        get throws(ValueError) { try integer(.commandTimeout, in: 0...86400) }
    }

    public var sslMode: SSLMode? {
        get throws(ValueError) {
            guard let pair = pairs.last(where: { $0.keyword == .sslMode }) else { return nil }
            guard let mode = SSLMode(npgsql: pair.value) else { throw ValueError(key: pair.key, value: pair.value) }
            return mode
        }
    }

    public var trustServerCertificate: Bool? {
        get throws(ValueError) {
            guard let pair = pairs.last(where: { $0.keyword == .trustServerCertificate }) else { return nil }
            switch pair.value.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: throw ValueError(key: pair.key, value: pair.value)
            }
        }
    }

    private func integer(_ keyword: Keyword, in range: ClosedRange<Int>) throws(ValueError) -> Int? {
        guard let pair = pairs.last(where: { $0.keyword == keyword }) else { return nil }
        guard let number = Int(pair.value.trimmingSpaces), range.contains(number) else { throw ValueError(key: pair.key, value: pair.value) }
        return number
    }

    // MARK: Writing back

    /// The text with the password (and the user, when `username` is given) changed and every
    /// other byte as it was. Every pair naming the keyword changes, so no stale synonym stays;
    /// a keyword that is absent is appended as `Password=...` / `Username=...`.
    public func replacing(password: String, username: String? = nil) -> String {
        var changes: [(keyword: Keyword, name: String, value: String)] = [(.password, "Password", password)]
        if let username { changes.append((.username, "Username", username)) }
        var bytes = Array(text.utf8)
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        var missing: [String] = []
        for change in changes {
            let encoded = Self.encode(change.value)
            let matching = pairs.filter { $0.keyword == change.keyword }
            if matching.isEmpty {
                missing.append("\(change.name)=\(encoded)")
            } else {
                edits += matching.map { ($0.valueRange, Array(encoded.utf8)) }
            }
        }
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: edit.bytes)
        }
        if !missing.isEmpty {
            // `a=1` gives `a=1;Password=x`; `a=1;` gives `a=1;Password=x;` (the trailing `;` stays).
            var end = bytes.count
            while end > 0, bytes[end - 1] == 0x20 { end -= 1 }
            let trailingSemicolon = end > 0 && bytes[end - 1] == 0x3B
            var insertion: [UInt8] = []
            if end > 0, !trailingSemicolon { insertion.append(0x3B) }
            insertion += Array(missing.joined(separator: ";").utf8)
            if trailingSemicolon { insertion.append(0x3B) }
            bytes.insert(contentsOf: insertion, at: end)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A value as `DbConnectionStringBuilder` writes it: bare only when it holds none of `"`,
    /// `'`, `=`, `;`, white space and control characters, else in `"` with `"` doubled (in `'`
    /// when it holds `"` but no `'`). An empty value is written `""` (.NET writes it bare; both
    /// read back empty). A bare value ending in a quote, `bob'`, is one .NET refuses to read:
    /// "unquoted value must not end in quote".
    public static func encode(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { scalar in
                scalar == "\"" || scalar == "'" || scalar == "=" || scalar == ";" || scalar.properties.isWhitespace
                    || scalar.properties.generalCategory == .control
            }
        guard needsQuotes else { return value }
        if value.contains("\""), !value.contains("'") { return "'\(value)'" }
        return "\"\(value.replacing("\"", with: "\"\""))\""
    }

    // MARK: Reading

    static func parse(_ s: [UInt8]) throws(ParseError) -> [Pair] {
        let n = s.count
        var pairs: [Pair] = []
        var i = 0
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while i < n {
            // Spaces and empty pairs (`;;`) between pairs.
            while i < n, isSpace(s[i]) || s[i] == 0x3B { i += 1 }
            guard i < n else { break }
            // The key, to the first `=` that is not `==`.
            var key: [UInt8] = []
            let keyStart = i
            while true {
                guard i < n else { throw ParseError(offset: keyStart, reason: "a key without `=`") }
                if s[i] == 0x3B { throw ParseError(offset: keyStart, reason: "a key without `=`") }
                if s[i] == 0x3D {
                    if i + 1 < n, s[i + 1] == 0x3D {
                        key.append(0x3D)
                        i += 2
                        continue
                    }
                    break
                }
                key.append(s[i])
                i += 1
            }
            while let last = key.last, isSpace(last) { key.removeLast() }
            guard !key.isEmpty else { throw ParseError(offset: keyStart, reason: "an empty key") }
            i += 1  // =
            while i < n, s[i] == 0x20 || s[i] == 0x09 { i += 1 }
            let valueStart = i
            var value: [UInt8] = []
            let valueEnd: Int
            if i < n, s[i] == 0x22 || s[i] == 0x27 {
                let quote = s[i]
                i += 1
                var closed = false
                while i < n {
                    if s[i] == quote {
                        if i + 1 < n, s[i + 1] == quote {
                            value.append(quote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    value.append(s[i])
                    i += 1
                }
                guard closed else { throw ParseError(offset: valueStart, reason: "a quoted value without its closing quote") }
                valueEnd = i
                while i < n, isSpace(s[i]) { i += 1 }
                guard i == n || s[i] == 0x3B else { throw ParseError(offset: i, reason: "text after a quoted value") }
            } else {
                while i < n, s[i] != 0x3B { i += 1 }
                var end = i
                while end > valueStart, isSpace(s[end - 1]) { end -= 1 }
                value = Array(s[valueStart..<end])
                valueEnd = end
            }
            let keyText = String(decoding: key, as: UTF8.self)
            pairs.append(
                Pair(key: keyText, value: String(decoding: value, as: UTF8.self), keyword: Keyword(key: keyText), valueRange: valueStart..<valueEnd))
            if i < n { i += 1 }  // ;
        }
        return pairs
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var slice = self[...]
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
