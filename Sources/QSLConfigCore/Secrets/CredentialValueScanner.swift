#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte scans behind ``CredentialClassifier/findings(key:value:includeReview:)``: one value,
/// its `${...}` references folded to a marker byte so that a reference never reads as (or hides)
/// a credential, and each parser reporting ranges of that shape.
///
/// Linear scans over UTF-8 bytes; every delimiter the parsers look for is ASCII, so the ranges
/// they report always fall on character boundaries of the value.
struct CredentialValueScanner {
    /// A finding in the shape's byte offsets.
    struct Raw {
        var kind: CredentialFinding.Kind
        var range: Range<Int>
    }

    /// What every `${...}` or `$<...>` reference becomes in ``shape``. The value may hold the
    /// same byte as itself (U+0001): ``referenceOffsets`` tells the two apart.
    static let marker: UInt8 = 0x01

    let value: String
    /// The value's bytes with each reference replaced by one ``marker`` byte.
    let shape: [UInt8]
    /// For each shape byte, where it starts and ends in the value; empty when the value holds
    /// no reference, so that the shape is the value byte for byte.
    private let starts: [Int]
    private let ends: [Int]
    /// Where in ``shape`` the references are, ascending.
    private let referenceOffsets: [Int]
    var hasReference: Bool { !referenceOffsets.isEmpty }

    /// - Parameters:
    ///   - value: The value to scan.
    ///   - readsReferences: Whether `value` is configuration text, whose `${...}` are references
    ///     (folded: an `aws:` reference, or a variable without a default, to one marker; a
    ///     variable's default, which is what the value becomes when the variable is unset, to
    ///     its own text, scanned like any literal). `false` for a value already resolved, whose
    ///     every byte is literal: a password holding `${` is a password.
    init(_ value: String, readsReferences: Bool = true) {
        self.value = value
        let bytes = Array(value.utf8)
        // The common case: no `$`, nothing to fold, no offsets to map.
        guard readsReferences, bytes.contains(0x24) else {
            self.shape = bytes
            self.starts = []
            self.ends = []
            self.referenceOffsets = []
            return
        }
        var shape: [UInt8] = []
        var starts: [Int] = []
        var ends: [Int] = []
        shape.reserveCapacity(bytes.count)
        var referenceOffsets: [Int] = []
        var inlined = false
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x24, i + 1 < bytes.count {  // $
                let next = bytes[i + 1]
                if next == 0x24, i + 2 < bytes.count, bytes[i + 2] == 0x7B || bytes[i + 2] == 0x3C {
                    // `$${` is a literal `${`: keep its text, it is not a reference.
                    for k in i..<(i + 3) {
                        shape.append(bytes[k])
                        starts.append(k)
                        ends.append(k + 1)
                    }
                    i += 3
                    continue
                }
                if next == 0x7B || next == 0x3C, let close = bytes[(i + 2)...].firstIndex(of: next == 0x7B ? 0x7D : 0x3E) {
                    let body = bytes[(i + 2)..<close]
                    if !PlaceholderParser.startsWithAWSPrefix(body), let colon = body.firstIndex(of: 0x3A) {
                        // `${VAR:default}`: the default is the value's own text.
                        inlined = true
                        for k in (colon + 1)..<close {
                            shape.append(bytes[k])
                            starts.append(k)
                            ends.append(k + 1)
                        }
                    } else {
                        referenceOffsets.append(shape.count)
                        shape.append(Self.marker)
                        starts.append(i)
                        ends.append(close + 1)
                    }
                    i = close + 1
                    continue
                }
            }
            shape.append(byte)
            starts.append(i)
            ends.append(i + 1)
            i += 1
        }
        self.shape = shape
        let mapped = !referenceOffsets.isEmpty || inlined
        self.starts = mapped ? starts : []
        self.ends = mapped ? ends : []
        self.referenceOffsets = referenceOffsets
    }

    /// The shape as text when it holds no reference marker: the value as a reader sees it with
    /// every variable unset (its defaults in place); `nil` when a reference remains.
    var literalText: String? {
        guard referenceOffsets.isEmpty else { return nil }
        return shape.elementsEqual(value.utf8) ? value : String(decoding: shape, as: UTF8.self)
    }

    /// Whether the value is nothing but references (and spaces): `${aws:secrets:x}`.
    var isWholeReference: Bool {
        hasReference && referenceOffsets.count + shape.count(where: { $0 == 0x20 }) == shape.count
    }

    /// Whether `range` of ``shape`` holds a reference (not merely a U+0001 of the value's own).
    func holdsReference(_ range: Range<Int>) -> Bool {
        referenceOffsets.contains { range.contains($0) }
    }

    func wholeValue(_ kind: CredentialFinding.Kind) -> Raw { Raw(kind: kind, range: 0..<shape.count) }

    /// A raw finding in the value's terms.
    func finding(_ raw: Raw) -> CredentialFinding {
        var lower = raw.range.lowerBound, upper = raw.range.upperBound
        if !starts.isEmpty, !raw.range.isEmpty {
            lower = starts[raw.range.lowerBound]
            upper = ends[raw.range.upperBound - 1]
        }
        let utf8 = value.utf8
        let range = utf8.index(utf8.startIndex, offsetBy: lower)..<utf8.index(utf8.startIndex, offsetBy: upper)
        return CredentialFinding(kind: raw.kind, range: range, utf8Offsets: lower..<upper)
    }

    // MARK: Embedded credentials

    /// Everything the value's shape gives away, sorted, merged where ranges overlap, without
    /// empty ranges and without ranges that hold a reference.
    func embeddedFindings(namesAWSSecretKey: Bool) -> [Raw] {
        var raws = connectionStringPasswords().map { Raw(kind: .embeddedPassword, range: $0) }
        raws += urlFindings()
        raws += tokenFindings()
        if namesAWSSecretKey { raws += awsSecretAccessKeys() }
        raws = raws.filter { !$0.range.isEmpty && !holdsReference($0.range) }
        return Self.merged(raws)
    }

    /// Sorted by start, overlapping ranges joined; a token shape names the joined kind.
    static func merged(_ raws: [Raw]) -> [Raw] {
        func rank(_ kind: CredentialFinding.Kind) -> Int {
            switch kind {
            case .urlKey: 0
            case .embeddedPassword: 1
            default: 2
            }
        }
        var out: [Raw] = []
        for raw in raws.sorted(by: { ($0.range.lowerBound, -$0.range.count) < ($1.range.lowerBound, -$1.range.count) }) {
            if let last = out.last, last.range.overlaps(raw.range) {
                let joined = last.range.lowerBound..<max(last.range.upperBound, raw.range.upperBound)
                out[out.count - 1] = Raw(kind: rank(raw.kind) > rank(last.kind) ? raw.kind : last.kind, range: joined)
            } else {
                out.append(raw)
            }
        }
        return out
    }

    // MARK: Connection strings

    /// The credential fields of the value read as a connection string in each of the three
    /// forms: ADO.NET/Npgsql (`;`-separated, keys with spaces, `"`/`'`-quoted values),
    /// StackExchange.Redis (`,`-separated) and libpq (space-separated, `'`-quoted values). A
    /// value can read as more than one form, and the reader that will see it is unknown, so a
    /// password any of them finds is one (overlapping ranges are joined by the caller): masking
    /// a little too much beats showing a password.
    func connectionStringPasswords() -> [Range<Int>] {
        guard shape.contains(0x3D) else { return [] }  // =
        var ranges = adoNetFields()
        if shape.contains(0x2C) { ranges += redisFields() }  // ,
        ranges += libpqFields()
        return ranges
    }

    /// `Host=db;Password="a;b";SSL Mode=Require`: `;` ends a pair unless inside a value quoted
    /// with `"` or `'` (a doubled quote is a literal one).
    func adoNetFields() -> [Range<Int>] {
        let s = shape, n = s.count
        var ranges: [Range<Int>] = []
        var i = 0
        while i < n {
            let keyStart = i
            while i < n, s[i] != 0x3D, s[i] != 0x3B { i += 1 }
            guard i < n else { break }
            if s[i] == 0x3B {
                i += 1
                continue
            }
            let key = keyStart..<i
            i += 1
            while i < n, (s[i] == 0x20 || s[i] == 0x09) { i += 1 }
            var valueRange: Range<Int>
            if i < n, s[i] == 0x22 || s[i] == 0x27 {
                let quote = s[i]
                let start = i + 1
                var j = start
                while j < n {
                    if s[j] == quote {
                        if j + 1 < n, s[j + 1] == quote {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                valueRange = start..<j
                i = min(j + 1, n)
                while i < n, s[i] != 0x3B { i += 1 }
                // Text after the closing quote (`'a'b`): Npgsql refuses it, other readers take it
                // as part of the value, so it is masked with it.
                var end = i
                while end > j + 1, Self.isSpace(s[end - 1]) { end -= 1 }
                if end > j + 1 { valueRange = start..<end }
            } else {
                let start = i
                while i < n, s[i] != 0x3B { i += 1 }
                var end = i
                while end > start, Self.isSpace(s[end - 1]) { end -= 1 }
                valueRange = start..<end
            }
            if let field = fieldName(key, allowSpaces: true), CredentialRules.passwordFields.contains(field) {
                ranges.append(valueRange)
            }
            i += 1
        }
        return ranges
    }

    /// `redis:6379,password=secret,ssl=True`: `,`-separated, the first part may be a host.
    func redisFields() -> [Range<Int>] {
        let s = shape, n = s.count
        var ranges: [Range<Int>] = []
        var start = 0
        while start <= n {
            let end = s[start...].firstIndex(of: 0x2C) ?? n
            if let equals = s[start..<end].firstIndex(of: 0x3D), let field = fieldName(start..<equals, allowSpaces: false),
                CredentialRules.passwordFields.contains(field)
            {
                ranges.append(trimmed((equals + 1)..<end))
            }
            start = end + 1
        }
        return ranges
    }

    /// `host=db password='it''s' dbname=app`: whitespace-separated `keyword = value` pairs, a
    /// value quoted with `'` (backslash escapes) or running to the next whitespace.
    func libpqFields() -> [Range<Int>] {
        let s = shape, n = s.count
        var ranges: [Range<Int>] = []
        func isSpace(_ b: UInt8) -> Bool { Self.isSpace(b) }
        func isKeyword(_ b: UInt8) -> Bool { Self.isAlphanumeric(b) || b == 0x5F }
        var i = 0
        while i < n {
            while i < n, isSpace(s[i]) { i += 1 }
            let keyStart = i
            while i < n, isKeyword(s[i]) { i += 1 }
            var j = i
            while j < n, isSpace(s[j]) { j += 1 }
            guard i > keyStart, j < n, s[j] == 0x3D else {
                while i < n, !isSpace(s[i]) { i += 1 }
                continue
            }
            let key = keyStart..<i
            j += 1
            while j < n, isSpace(s[j]) { j += 1 }
            var valueRange: Range<Int>
            if j < n, s[j] == 0x27 {
                var k = j + 1
                while k < n, s[k] != 0x27 { k += s[k] == 0x5C ? 2 : 1 }
                k = min(k, n)
                valueRange = (j + 1)..<k
                i = k + 1
                if i < n, !isSpace(s[i]) {
                    // Text after the closing quote, as above.
                    while i < n, !isSpace(s[i]) { i += 1 }
                    valueRange = (j + 1)..<i
                }
            } else {
                let start = j
                while j < n, !isSpace(s[j]) { j += 1 }
                valueRange = start..<j
                i = j
            }
            if let field = fieldName(key, allowSpaces: false), CredentialRules.passwordFields.contains(field) { ranges.append(valueRange) }
        }
        return ranges
    }

    /// A connection-string key folded for ``CredentialRules/passwordFields`` (lower case, no
    /// spaces, `_` or `-`); `nil` when the text cannot be a key (`https://host/?key`).
    func fieldName(_ range: Range<Int>, allowSpaces: Bool) -> String? {
        let key = trimmed(range)
        guard !key.isEmpty else { return nil }
        var folded: [UInt8] = []
        for byte in shape[key] {
            if Self.isAlphanumeric(byte) {
                folded.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            } else if byte == 0x5F || byte == 0x2D || byte == 0x2E || (allowSpaces && byte == 0x20) {
                continue
            } else {
                return nil
            }
        }
        return String(decoding: folded, as: UTF8.self)
    }

    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, Self.isSpace(shape[lower]) { lower += 1 }
        while upper > lower, Self.isSpace(shape[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    // MARK: URLs

    /// For each `scheme://` in the value: the user-info password, API keys in the path, and
    /// credential query parameters.
    func urlFindings() -> [Raw] {
        let s = shape, n = s.count
        var raws: [Raw] = []
        var search = 0
        while search + 3 <= n, let colon = s[search...].firstIndex(of: 0x3A) {
            search = colon + 1
            guard colon + 2 < n, s[colon + 1] == 0x2F, s[colon + 2] == 0x2F else { continue }
            var schemeStart = colon
            while schemeStart > 0, Self.isAlphanumeric(s[schemeStart - 1]) || s[schemeStart - 1] == 0x2B || s[schemeStart - 1] == 0x2E || s[schemeStart - 1] == 0x2D {
                schemeStart -= 1
            }
            guard schemeStart < colon, Self.isLetter(s[schemeStart]) else { continue }
            let authorityStart = colon + 3
            var end = authorityStart
            while end < n, s[end] != 0x20, s[end] != 0x09, s[end] != 0x0A, s[end] != 0x0D, s[end] != 0x22, s[end] != 0x3C, s[end] != 0x3E { end += 1 }
            raws += url(authorityStart..<end)
            search = max(search, authorityStart)
        }
        return raws
    }

    /// One URL, from just after `://` to its end.
    func url(_ region: Range<Int>) -> [Raw] {
        let s = shape
        var raws: [Raw] = []
        var hostStart = region.lowerBound
        // The user-info runs to the LAST `@`, so a password may hold `/`, `?`, `#` and `@`.
        if let at = s[region].lastIndex(of: 0x40), let colon = s[region.lowerBound..<at].firstIndex(of: 0x3A) {
            let user = s[region.lowerBound..<colon]
            let slash = s[colon..<at].firstIndex(of: 0x2F)
            let portThenPath = slash.map { slash in slash > colon + 1 && s[(colon + 1)..<slash].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } } ?? false
            if !user.contains(0x2F), !user.contains(0x3F), !user.contains(0x23), !portThenPath {
                raws.append(Raw(kind: .embeddedPassword, range: (colon + 1)..<at))
                hostStart = at + 1
            }
        } else if let at = s[region].lastIndex(of: 0x40), !s[region.lowerBound..<at].contains(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) {
            hostStart = at + 1
        }
        guard hostStart <= region.upperBound else { return raws }
        let hostEnd = s[hostStart..<region.upperBound].firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? region.upperBound
        var hostNameEnd = hostEnd
        if let portColon = s[hostStart..<hostEnd].lastIndex(of: 0x3A), !s[hostStart..<hostEnd].contains(0x5D) || s[hostStart..<portColon].contains(0x5D) {
            hostNameEnd = portColon
        }
        let host = String(decoding: s[hostStart..<hostNameEnd].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        let pathEnd = s[hostEnd..<region.upperBound].firstIndex { $0 == 0x3F || $0 == 0x23 } ?? region.upperBound
        if hostEnd < pathEnd, s[hostEnd] == 0x2F {
            raws += pathKeys(host: host, path: (hostEnd + 1)..<pathEnd)
        }
        if pathEnd < region.upperBound, s[pathEnd] == 0x3F {
            let queryEnd = s[(pathEnd + 1)..<region.upperBound].firstIndex(of: 0x23) ?? region.upperBound
            raws += queryKeys((pathEnd + 1)..<queryEnd)
        }
        return raws
    }

    /// Keys carried as a path segment (``CredentialRules/pathKeyRules``).
    func pathKeys(host: String, path: Range<Int>) -> [Raw] {
        let rules = CredentialRules.pathKeyRules.filter { host == $0.hostSuffix || host.hasSuffix("." + $0.hostSuffix) }
        guard !rules.isEmpty else { return [] }
        var segments: [Range<Int>] = []
        var start = path.lowerBound
        while start <= path.upperBound {
            let end = shape[start..<path.upperBound].firstIndex(of: 0x2F) ?? path.upperBound
            segments.append(start..<end)
            start = end + 1
        }
        var raws: [Raw] = []
        for (index, segment) in segments.enumerated() {
            let previous = index == 0 ? "" : String(decoding: shape[segments[index - 1]].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
            for rule in rules where rule.previousSegments.contains(previous) && segment.count >= rule.minimumLength {
                let fits = shape[segment].allSatisfy { rule.hexOnly ? Self.isHex($0) : Self.isAlphanumeric($0) || $0 == 0x2D || $0 == 0x5F }
                if fits { raws.append(Raw(kind: .urlKey, range: segment)) }
            }
        }
        return raws
    }

    /// `?apikey=...&sig=...`: the values of credential parameters, to the next `&` or `;`.
    func queryKeys(_ query: Range<Int>) -> [Raw] {
        var raws: [Raw] = []
        var start = query.lowerBound
        while start < query.upperBound {
            let end = shape[start..<query.upperBound].firstIndex { $0 == 0x26 || $0 == 0x3B } ?? query.upperBound
            if let equals = shape[start..<end].firstIndex(of: 0x3D) {
                let name = String(decoding: shape[start..<equals].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
                if CredentialRules.queryKeyParameters.contains(name) {
                    raws.append(Raw(kind: .urlKey, range: (equals + 1)..<end))
                } else if CredentialRules.queryPasswordParameters.contains(name) {
                    raws.append(Raw(kind: .embeddedPassword, range: (equals + 1)..<end))
                }
            }
            start = end + 1
        }
        return raws
    }

    // MARK: Token shapes

    /// Well-known token shapes anywhere in the value, each starting and ending at a boundary.
    func tokenFindings() -> [Raw] {
        let s = shape, n = s.count
        var raws: [Raw] = []
        var i = 0
        while i < n {
            let byte = s[i]
            let atBoundary = i == 0 || !Self.isAlphanumeric(s[i - 1])
            guard atBoundary, byte == 0x41 || byte == 0x73 || byte == 0x72 || byte == 0x67 || byte == 0x78 || byte == 0x53 || byte == 0x2D || byte == 0x65 else {
                i += 1
                continue
            }
            if let raw = pem(at: i) ?? jwt(at: i) ?? sendGrid(at: i) ?? shaped(at: i) {
                raws.append(raw)
                i = raw.range.upperBound
            } else {
                i += 1
            }
        }
        return raws
    }

    /// One of ``CredentialRules/tokenShapes`` starting at `i`.
    func shaped(at i: Int) -> Raw? {
        let s = shape, n = s.count
        for rule in CredentialRules.tokenShapes where i + rule.prefix.count <= n && s[i..<(i + rule.prefix.count)].elementsEqual(rule.prefix) {
            var j = i + rule.prefix.count
            let bodyStart = j
            while j < n, j - bodyStart < rule.maximumLength, Self.fits(s[j], rule.alphabet) { j += 1 }
            guard j - bodyStart >= rule.minimumLength, j == n || !(Self.isAlphanumeric(s[j]) || Self.fits(s[j], rule.alphabet)) else { continue }
            return Raw(kind: rule.kind, range: i..<j)
        }
        return nil
    }

    /// `-----BEGIN ... PRIVATE KEY-----` to its `-----END ...-----` line (or the value's end).
    func pem(at i: Int) -> Raw? {
        let begin = Array("-----BEGIN ".utf8)
        let dashes = Array("-----".utf8)
        guard Self.hasPrefix(shape, begin, at: i), let labelEnd = Self.find(dashes, in: shape, from: i + begin.count) else { return nil }
        let label = shape[(i + begin.count)..<labelEnd]
        guard label.count >= 11, label.suffix(11).elementsEqual("PRIVATE KEY".utf8) else { return nil }
        var end = shape.count
        if let endMarker = Self.find(Array("-----END ".utf8), in: shape, from: labelEnd + dashes.count),
            let close = Self.find(dashes, in: shape, from: endMarker + 9)
        {
            end = close + dashes.count
        }
        return Raw(kind: .privateKey, range: i..<end)
    }

    /// `eyJ...` `.` `...` `.` `...`: three base64url parts whose first decodes to a JSON
    /// object with an `alg` member.
    func jwt(at i: Int) -> Raw? {
        let s = shape, n = s.count
        guard i + 1 < n, s[i] == 0x65, s[i + 1] == 0x79 else { return nil }  // ey
        func run(_ from: Int) -> Int {
            var j = from
            while j < n, Self.isBase64URL(s[j]) { j += 1 }
            return j
        }
        let headerEnd = run(i)
        guard headerEnd - i >= 10, headerEnd < n, s[headerEnd] == 0x2E else { return nil }
        let payloadEnd = run(headerEnd + 1)
        guard payloadEnd > headerEnd + 1, payloadEnd < n, s[payloadEnd] == 0x2E else { return nil }
        let signatureEnd = run(payloadEnd + 1)
        guard signatureEnd == n || !(s[signatureEnd] == 0x2E) else { return nil }
        guard let header = Self.base64URLDecoded(s[i..<headerEnd]), header.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == 0x7B,
            Self.find(Array("\"alg\"".utf8), in: header, from: 0) != nil
        else { return nil }
        return Raw(kind: .jwt, range: i..<signatureEnd)
    }

    /// `SG.` and two base64url parts of SendGrid's lengths.
    func sendGrid(at i: Int) -> Raw? {
        let s = shape, n = s.count
        guard i + 3 < n, s[i] == 0x53, s[i + 1] == 0x47, s[i + 2] == 0x2E else { return nil }
        var j = i + 3
        while j < n, Self.isBase64URL(s[j]) { j += 1 }
        guard CredentialRules.sendGridParts.first.contains(j - i - 3), j < n, s[j] == 0x2E else { return nil }
        let second = j + 1
        j = second
        while j < n, Self.isBase64URL(s[j]) { j += 1 }
        guard CredentialRules.sendGridParts.second.contains(j - second) else { return nil }
        return Raw(kind: .sendGridKey, range: i..<j)
    }

    /// 40-character runs of `A-Za-z0-9/+`, under a key that names an AWS secret access key.
    func awsSecretAccessKeys() -> [Raw] {
        let s = shape
        return runs { Self.isAlphanumeric($0) || $0 == 0x2F || $0 == 0x2B }
            .filter { $0.count == CredentialRules.awsSecretAccessKeyLength && ($0.upperBound == s.count || s[$0.upperBound] != 0x3D) }
            .map { Raw(kind: .awsSecretAccessKey, range: $0) }
    }

    /// The maximal runs of bytes of the shape that `fits` accepts, in order.
    func runs(where fits: (UInt8) -> Bool) -> [Range<Int>] {
        let s = shape, n = s.count
        var runs: [Range<Int>] = []
        var i = 0
        while i < n {
            guard fits(s[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < n, fits(s[j]) { j += 1 }
            runs.append(i..<j)
            i = j
        }
        return runs
    }

    // MARK: Review

    /// Runs of base64/hex characters random enough to be a credential, outside `avoiding`:
    /// base64-like runs of at least 20 characters with letters and digits and at least 3.5 bits
    /// of entropy per character, hex runs of at least 32 with at least 3 bits. UUIDs are left
    /// alone, and `/` splits a run unless it reads as base64 (`+` in it or `=` padding).
    func highEntropyFindings(avoiding: [Raw]) -> [Raw] {
        let s = shape
        func isBase64Like(_ b: UInt8) -> Bool { Self.isAlphanumeric(b) || b == 0x2B || b == 0x3D || b == 0x5F || b == 0x2D }
        var raws: [Raw] = []
        for run in runs(where: { isBase64Like($0) || $0 == 0x2F }) {
            let (i, j) = (run.lowerBound, run.upperBound)
            let base64 = s[run].contains(0x2B) || s[run].last == 0x3D
            var pieces: [Range<Int>] = []
            if base64 || !s[run].contains(0x2F) {
                pieces = [run]
            } else {
                var start = i
                while start < j {
                    let end = s[start..<j].firstIndex(of: 0x2F) ?? j
                    if end > start { pieces.append(start..<end) }
                    start = end + 1
                }
            }
            for piece in pieces where !avoiding.contains(where: { $0.range.overlaps(piece) }) && isRandom(piece) {
                raws.append(Raw(kind: .highEntropy, range: piece))
            }
        }
        return raws
    }

    func isRandom(_ range: Range<Int>) -> Bool {
        let bytes = shape[range]
        if bytes.count == 36, Self.isUUID(bytes) { return false }
        if bytes.allSatisfy(Self.isHex) {
            return bytes.count >= CredentialRules.hexMinimumLength && Self.entropy(bytes) >= CredentialRules.hexMinimumBits
        }
        guard bytes.count >= CredentialRules.entropyMinimumLength else { return false }
        guard bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }), bytes.contains(where: Self.isLetter) else { return false }
        return Self.entropy(bytes) >= CredentialRules.entropyMinimumBits
    }

    /// Shannon entropy in bits per byte.
    static func entropy(_ bytes: ArraySlice<UInt8>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        var bits = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            bits -= p * log2(p)
        }
        return bits
    }

    static func isUUID(_ bytes: ArraySlice<UInt8>) -> Bool {
        for (offset, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                if byte != 0x2D { return false }
            } else if !isHex(byte) {
                return false
            }
        }
        return true
    }

    // MARK: Bytes

    /// White space as connection-string readers skip it around keys and values: space, tab,
    /// line feed, carriage return (`Host=db;\r\nPassword=...` is a multi-line string).
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    static func isAlphanumeric(_ b: UInt8) -> Bool { isLetter(b) || (b >= 0x30 && b <= 0x39) }
    static func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66) }
    static func isBase64URL(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == 0x2D || b == 0x5F }

    static func fits(_ b: UInt8, _ alphabet: CredentialRules.TokenShape.Alphabet) -> Bool {
        switch alphabet {
        case .upperAlphanumeric: (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
        case .alphanumeric: isAlphanumeric(b)
        case .alphanumericUnderscore: isAlphanumeric(b) || b == 0x5F
        case .alphanumericDash: isAlphanumeric(b) || b == 0x2D
        case .hex: isHex(b)
        }
    }

    static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at i: Int) -> Bool {
        i + prefix.count <= bytes.count && bytes[i..<(i + prefix.count)].elementsEqual(prefix)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start <= bytes.count - needle.count else { return nil }
        for i in start...(bytes.count - needle.count) where bytes[i] == needle[0] && hasPrefix(bytes, needle, at: i) {
            return i
        }
        return nil
    }

    /// base64url (padding optional) decoded; `nil` when it is not.
    static func base64URLDecoded(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61) + 26
            case 0x30...0x39: value = UInt32(byte - 0x30) + 52
            case 0x2D, 0x2B: value = 62
            case 0x5F, 0x2F: value = 63
            case 0x3D: continue
            default: return nil
            }
            buffer = ((buffer & 0xFFFF) &<< 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
