/// The one definition of what a credential is in configuration: by the key's name and by the
/// value's shape. Redaction, the plaintext-secret policy of `validate`, the ECS bundle's
/// plain-value check and `migrate`'s discovery all ask it, so they never disagree.
///
/// A key names a credential when the last word of its last segment is a credential noun
/// (`Password`, `Pwd`, `Passphrase`, `ClientSecret`, `ApiKey`, `Jwt:Key`, `QSL_LOCAL_STORE_KEY`,
/// `AuthToken`, `NPM_AUTH`, `Cookie`, `ConnectionString`, ...), when it sits under a section named
/// `Secrets`, `Credentials`, `ApiKeys` or `Passwords`, or when it is a `ConnectionStrings:`
/// entry. Settings that merely mention one are not credentials: `PasswordPolicy:*`,
/// `TokenLifetime`, `KeyVaultName`, `PublicKey`, `KeyId`, `PasswordHash`, `UseSecretsManager`.
///
/// A value holds a credential where its shape says so, whatever its key: connection-string
/// passwords (ADO.NET, libpq and StackExchange.Redis forms), URL passwords, API keys in URLs,
/// and well-known token shapes (AWS, Stripe, GitHub, Slack, PEM, JWT, SendGrid, Twilio).
/// `${...}` references are never plaintext: a credential part that is (or holds) a reference
/// is not reported. Strings random enough to be a credential are reported only when asked,
/// with the lower-confidence kind ``CredentialFinding/Kind/highEntropy``.
///
/// Every check scans bytes: no regular expressions, no Foundation. The rules themselves (word
/// lists, fields, token shapes, thresholds) live in `CredentialRules.swift`.
///
/// ```swift
/// CredentialClassifier.isCredentialKey("Db:Pwd")                 // true
/// CredentialClassifier.isCredentialKey("Identity:TokenLifetime") // false
/// CredentialClassifier.redacting("amqp://app:p/ss@mq:5672", key: "Bus:Url")
/// // "amqp://app:<redacted>@mq:5672"
/// ```
public enum CredentialClassifier {
    /// Why a key's name makes its value a credential.
    public enum KeyKind: Sendable, Hashable {
        /// The name says credential (`Password`, `ApiKey`), or a section above it does
        /// (`Secrets:Foo`): the whole value is one.
        case credential
        /// A `ConnectionStrings:` entry: secret as a whole, though only the parts its shape
        /// gives away (a password) are plaintext credentials.
        case connectionString
        /// An identifier some providers use as a credential (`ProjectId`, `AccountSid`):
        /// redacted, but only a matter for review when plain.
        case identifier
    }

    // MARK: Keys

    /// What `key`'s name says about its value; `nil` when it names no credential.
    ///
    /// Only the last segment's words count, and the sections above it by their whole name
    /// (`Secrets`, `Credentials`, `ApiKeys`, `Passwords`, `ConnectionStrings`); an array element
    /// (`Passwords:0`) takes the name of its array.
    public static func keyKind(of key: ConfigKey) -> KeyKind? {
        // Most keys hold no credential stem at all: one byte scan rejects them.
        guard hasCredentialStem(key.folded) else { return nil }
        var segments = key.segments
        while segments.count > 1, let last = segments.last, !last.isEmpty, last.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            segments.removeLast()
        }
        guard let name = segments.last else { return nil }
        let sections = segments.dropLast().map { sectionName($0) }
        if sections.contains("CONNECTIONSTRINGS") {
            return ConfigKey.fold(String(name)).hasSuffix("_PROVIDERNAME") ? nil : .connectionString
        }
        let words = words(of: name)
        if let kind = nameKind(words) { return kind }
        if sections.contains(where: { CredentialRules.credentialSections.contains($0) }), !isSetting(words) { return .credential }
        return nil
    }

    /// Whether `key`'s name makes its value secret: a credential, a connection string or an
    /// identifier some providers use as one. What redaction by key name uses.
    public static func isCredentialKey(_ key: ConfigKey) -> Bool { keyKind(of: key) != nil }

    /// Whether `key`'s name says it holds a hash (`PasswordHash`, `Sha256`, `Checksum`), whose
    /// random-looking value is not a credential.
    public static func isHashKey(_ key: ConfigKey) -> Bool {
        words(of: lastSegment(of: key)).contains { CredentialRules.hashWords.contains($0) }
    }

    // MARK: Values

    /// The credentials in `value`, in order, never overlapping.
    ///
    /// With a `key` whose name is a credential (``KeyKind/credential``), a literal value that is
    /// not a plain setting (a boolean, number, duration, version, path, ARN or credential-free
    /// URL) is one ``CredentialFinding/Kind/credentialKey`` finding over the whole value, unless
    /// the value's shape gives a more precise answer (a password field, a token). Without one,
    /// only what the value's shape gives away is reported.
    ///
    /// - Parameters:
    ///   - key: The key the value belongs to, or `nil` to judge the value alone.
    ///   - value: The value as written; its `aws:` references, and variables without a
    ///     default, are not plaintext. A variable's default is: it is the value wherever the
    ///     variable is unset.
    ///   - includeReview: Also report lower-confidence findings (high-entropy strings, and
    ///     identifier keys such as `ProjectId`), for `migrate`'s discovery.
    ///   - readsReferences: `false` for a value already resolved: every byte is literal, `${`
    ///     included.
    public static func findings(key: ConfigKey?, value: String, includeReview: Bool = false, readsReferences: Bool = true) -> [CredentialFinding] {
        guard !value.isEmpty, value != SecretValue.redactionMarker else { return [] }
        let kind = key.flatMap { keyKind(of: $0) }
        let scanner = CredentialValueScanner(value, readsReferences: readsReferences)
        if scanner.isWholeReference { return [] }
        let namesAWSSecretKey = key.map(namesAWSSecretAccessKey) ?? false
        var found = scanner.embeddedFindings(namesAWSSecretKey: namesAWSSecretKey)
        if found.isEmpty, let kind, kind != .connectionString, let literal = scanner.literalText, !literal.isEmpty, !isPlainSetting(literal) {
            if kind == .credential {
                found = [scanner.wholeValue(.credentialKey)]
            } else if includeReview {
                found = [scanner.wholeValue(.identifierKey)]
            }
        }
        if includeReview, kind == nil, !(key.map(isHashKey) ?? false) {
            found = (found + scanner.highEntropyFindings(avoiding: found)).sorted { $0.range.lowerBound < $1.range.lowerBound }
        }
        return found.map { scanner.finding($0) }
    }

    /// `value` for display: `<redacted>` whole when `key` names a credential, else with each
    /// credential its shape gives away (passwords, URL keys, tokens) replaced by `<redacted>`;
    /// `nil` when nothing needs masking.
    ///
    /// ```swift
    /// CredentialClassifier.redacting(#"Host=db;Password="a;b";Port=5432"#, key: nil)
    /// // Host=db;Password="<redacted>";Port=5432
    /// ```
    public static func redacting(_ value: String, key: ConfigKey?, readsReferences: Bool = true) -> String? {
        if let key, isCredentialKey(key) { return SecretValue.redactionMarker }
        let ranges = findings(key: nil, value: value, readsReferences: readsReferences).map(\.utf8Offsets)
        guard !ranges.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var position = 0
        let bytes = Array(value.utf8)
        for range in ranges {
            out += bytes[position..<range.lowerBound]
            out += SecretValue.redactionMarker.utf8
            position = range.upperBound
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `value` carries a credential its shape gives away, whatever its key
    /// (`readsReferences` as for ``findings(key:value:includeReview:readsReferences:)``).
    public static func containsCredential(_ value: String, readsReferences: Bool = true) -> Bool {
        !findings(key: nil, value: value, readsReferences: readsReferences).isEmpty
    }

    /// Whether `value` reads as a setting rather than a credential: a boolean, a number, a
    /// duration (`00:05:00`, `30s`, `PT5M`), a version (`1.2.3`, `v2`), a path, an ARN or KMS
    /// alias, a URL (whose password, if any, is an embedded finding of its own) or the
    /// redaction marker. A key named like a credential holding one is not plaintext.
    public static func isPlainSetting(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty else { return true }
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        if lower == Array("true".utf8) || lower == Array("false".utf8) { return true }
        if value == SecretValue.redactionMarker { return true }
        // Numbers, durations (`00:05:00`) and versions; not a 32-digit key that happens to parse.
        let digits = bytes.contains { $0 >= 0x30 && $0 <= 0x39 }
        if digits, bytes.count <= 20, Double(value) != nil || bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x3A || $0 == 0x2E }) {
            return true
        }
        if bytes.first == 0x2F || bytes.last == 0x2F { return true }
        if contains(value.utf8, Array("://".utf8)) || value.hasPrefix("arn:") || value.hasPrefix("alias/") { return true }
        // v2, v1.2.3
        if lower.first == 0x76, bytes.count > 1, bytes.dropFirst().allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }) { return true }
        return isDuration(lower)
    }

    /// `30s`, `5m`, `1h30m`, `250ms`, `7d`, or ISO 8601's `PT5M`, `P1D`.
    static func isDuration(_ lower: [UInt8]) -> Bool {
        var i = 0
        if lower.first == 0x70 {  // p
            i = 1
            if i < lower.count, lower[i] == 0x74 { i += 1 }  // t
        }
        var sawUnit = false
        while i < lower.count {
            let start = i
            while i < lower.count, (lower[i] >= 0x30 && lower[i] <= 0x39) || lower[i] == 0x2E { i += 1 }
            guard i > start, i < lower.count else { return false }
            let unitStart = i
            while i < lower.count, lower[i] >= 0x61 && lower[i] <= 0x7A { i += 1 }
            let unit = lower[unitStart..<i]
            guard ["ms", "s", "m", "h", "d", "w", "y", "t"].contains(where: { unit.elementsEqual($0.utf8) }) else { return false }
            sawUnit = true
        }
        return sawUnit
    }

    // MARK: Key words

    /// The words of one key segment, lower case: split at non-alphanumerics, case changes
    /// (`ClientSecret`, `APIKey`) and between letters and digits; unsplit compounds expanded.
    static func words(of segment: Substring) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(segment.utf8.count)
        let bytes = Array(segment.utf8)
        func flush() {
            guard !current.isEmpty else { return }
            words.append(contentsOf: expand(String(decoding: current, as: UTF8.self)))
            current.removeAll(keepingCapacity: true)
        }
        func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
        func isLower(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || b >= 0x80 }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        for (i, byte) in bytes.enumerated() {
            guard isUpper(byte) || isLower(byte) || isDigit(byte) else {
                flush()
                continue
            }
            if let previous = current.last {
                let previousByte = bytes[i - 1]
                let lowerToUpper = isLower(previousByte) && isUpper(byte)
                let acronymEnd = isUpper(previousByte) && isUpper(byte) && i + 1 < bytes.count && isLower(bytes[i + 1]) && bytes[i + 1] < 0x80
                let digitEdge = isDigit(previous) != isDigit(byte)
                if lowerToUpper || acronymEnd || digitEdge { flush() }
            }
            current.append(isUpper(byte) ? byte + 0x20 : byte)
        }
        flush()
        // `Connection String` as one noun.
        var joined: [String] = []
        for word in words {
            if (word == "string" || word == "strings"), joined.last == "connection" {
                joined[joined.count - 1] = "connectionstring"
            } else {
                joined.append(word)
            }
        }
        return joined
    }

    /// An unsplit word as the words it is made of: `APIKEY`, `DBPASSWORD`, `passwordpolicy`.
    static func expand(_ word: String) -> [String] {
        // One lookup answers both "a known compound" and "a noun on its own".
        if let known = CredentialRules.knownWords[word] { return known }
        // Key words are ASCII almost always: compare bytes. A word with other bytes keeps the
        // Character comparisons below, whose grapheme rules a byte comparison would not follow.
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return expandASCII(word) }
        for noun in CredentialRules.embeddedNouns where word.count > noun.count {
            if word.hasSuffix(noun) { return [String(word.dropLast(noun.count)), noun] }
            if word.hasPrefix(noun) {
                let rest = String(word.dropFirst(noun.count))
                // `secretsmanagerprefix`: the rest is read for a descriptor at its end.
                let descriptor = CredentialRules.descriptorSuffixes.first { rest.hasSuffix($0) }
                return [noun, descriptor ?? rest]
            }
        }
        return [word]
    }

    /// ``expand(_:)`` for an ASCII word that is neither a compound nor a noun, on its bytes.
    private static func expandASCII(_ word: String) -> [String] {
        let bytes = word.utf8
        for noun in CredentialRules.embeddedNouns where bytes.count > noun.utf8.count {
            let nounBytes = noun.utf8
            if bytes.suffix(nounBytes.count).elementsEqual(nounBytes) {
                return [String(decoding: bytes.dropLast(nounBytes.count), as: UTF8.self), noun]
            }
            if bytes.prefix(nounBytes.count).elementsEqual(nounBytes) {
                let rest = bytes.dropFirst(nounBytes.count)
                let descriptor = CredentialRules.descriptorSuffixes.first { rest.suffix($0.utf8.count).elementsEqual($0.utf8) }
                return [noun, descriptor ?? String(decoding: rest, as: UTF8.self)]
            }
        }
        return [word]
    }

    /// A leaf's name as a credential, from its words.
    static func nameKind(_ words: [String]) -> KeyKind? {
        guard let first = words.first else { return nil }
        if words.count > 1, CredentialRules.leadingSettingWords.contains(first) { return nil }
        if words.count >= 2 {
            let pair = (words[words.count - 2], words[words.count - 1])
            if CredentialRules.identifierPairs.contains(where: { $0 == pair }) { return .identifier }
        }
        guard !isSetting(words) else { return nil }
        if let last = words.last, CredentialRules.finalCredentialNouns.contains(last) { return .credential }
        guard let index = words.lastIndex(where: { CredentialRules.credentialNouns.contains($0) }) else { return nil }
        let previous = index > 0 ? words[index - 1] : nil
        switch words[index] {
        case "key", "keys":
            if let previous, CredentialRules.nonCredentialKeyModifiers.contains(previous) { return nil }
        case "token", "tokens":
            if let previous, CredentialRules.nonCredentialTokenModifiers.contains(previous) { return nil }
        default:
            break
        }
        return .credential
    }

    /// Whether the words name a setting about a credential rather than one: a switch or a
    /// count first (`UseSecretsManager`, `MaxTokens`), or a descriptor after the last
    /// credential noun (`TokenLifetime`, `KeyVaultName`, `PasswordHash`).
    static func isSetting(_ words: [String]) -> Bool {
        if words.count > 1, let first = words.first, CredentialRules.leadingSettingWords.contains(first) { return true }
        let lastNoun = words.lastIndex { CredentialRules.credentialNouns.contains($0) || CredentialRules.finalCredentialNouns.contains($0) }
        let trailing = words[((lastNoun ?? -1) + 1)...]
        return trailing.contains { CredentialRules.descriptorWords.contains($0) }
    }

    /// A section's name folded with `_`, `-`, `.` and spaces removed (`API_KEYS` is `APIKEYS`).
    static func sectionName(_ segment: Substring) -> String {
        // ASCII (nearly every name): the Character filter and the fold are byte maps, written
        // straight into the result. (CR LF, the one two-scalar ASCII Character, is kept by both.)
        if segment.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(unsafeUninitializedCapacity: segment.utf8.count) { buffer in
                var count = 0
                for byte in segment.utf8 where byte != UInt8(ascii: "_") && byte != UInt8(ascii: "-") && byte != UInt8(ascii: ".") && byte != UInt8(ascii: " ") {
                    buffer[count] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                    count += 1
                }
                return count
            }
        }
        return ConfigKey.fold(String(segment.filter { $0 != "_" && $0 != "-" && $0 != "." && $0 != " " }))
    }

    /// Whether `words` holds `sequence` in order, each adjacent (`aws secret access key`).
    static func names(_ words: [String], _ sequence: [String]) -> Bool {
        guard words.count >= sequence.count else { return false }
        for start in 0...(words.count - sequence.count) where words[start..<(start + sequence.count)].elementsEqual(sequence) {
            return true
        }
        return false
    }

    /// Whether `folded` (a folded key) holds one of ``CredentialRules/keyStems``: one pass over
    /// its bytes, trying at each byte only the stems that start with it.
    static func hasCredentialStem(_ folded: String) -> Bool {
        let stems = CredentialRules.keyStemTable
        var folded = folded
        return folded.withUTF8 { key in
            stems.bytes.withUnsafeBufferPointer { stemBytes in
                for start in key.indices {
                    for index in stems.startingWith[Int(key[start])] {
                        let range = stems.ranges[index]
                        guard range.count <= key.count - start else { continue }
                        var matched = 1  // the first byte picked the bucket
                        while matched < range.count && stemBytes[range.lowerBound + matched] == key[start + matched] { matched += 1 }
                        if matched == range.count { return true }
                    }
                }
                return false
            }
        }
    }

    /// The last segment of `key`, as written: `Key` in `Jwt:Key`, `0` in `Passwords:0`.
    static func lastSegment(of key: ConfigKey) -> Substring {
        let spelling = key.spelling
        guard let colon = spelling.utf8.lastIndex(of: UInt8(ascii: ":")) else { return spelling[...] }
        return spelling[spelling.utf8.index(after: colon)...]
    }

    /// Whether `key`'s last segment names an AWS secret access key
    /// (``CredentialRules/awsSecretAccessKeyNames``). Every value's key is asked, so the words
    /// are split only when the segment spells both `secret` and `key`, as each of those names
    /// does; the words are lower-cased ASCII of the segment's own letters, so a segment
    /// without both cannot hold them.
    static func namesAWSSecretAccessKey(_ key: ConfigKey) -> Bool {
        var segment = lastSegment(of: key)
        let spellsBoth = segment.withUTF8 { containsIgnoringASCIICase($0, "secret") && containsIgnoringASCIICase($0, "key") }
        guard spellsBoth else { return false }
        let keyWords = words(of: segment)
        return CredentialRules.awsSecretAccessKeyNames.contains { names(keyWords, $0) }
    }

    /// Whether `bytes` hold `needle` (lower-case ASCII letters), ignoring ASCII case.
    static func containsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard bytes.count >= needle.count else { return false }
        // `| 0x20` lower-cases an ASCII letter and maps nothing else onto one.
        for start in 0...(bytes.count - needle.count) where needle.indices.allSatisfy({ (bytes[start + $0] | 0x20) == needle[$0] }) {
            return true
        }
        return false
    }

    /// Whether `haystack` holds `needle`, as bytes.
    static func contains(_ haystack: String.UTF8View, _ needle: [UInt8]) -> Bool {
        var matched = 0
        var candidate = haystack.startIndex
        var index = haystack.startIndex
        while index != haystack.endIndex {
            if haystack[index] == needle[matched] {
                if matched == 0 { candidate = index }
                matched += 1
                if matched == needle.count { return true }
                index = haystack.index(after: index)
            } else if matched > 0 {
                matched = 0
                index = haystack.index(after: candidate)
            } else {
                index = haystack.index(after: index)
            }
        }
        return false
    }
}
