/// Limits that protect the reader from hostile or broken input.
///
/// The defaults: files up to 32 MiB, nesting up to 64 levels (the top-level object is level 1),
/// the same depth System.Text.Json allows by default, so a file ASP.NET accepts is accepted here.
public struct ReaderLimits: Sendable, Hashable {
    public var maxBytes: Int
    public var maxDepth: Int

    public init(maxBytes: Int = ReaderLimits.defaultMaxBytes, maxDepth: Int = ReaderLimits.defaultMaxDepth) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    public static let defaultMaxBytes = 32 * 1024 * 1024
    public static let defaultMaxDepth = 64
    public static let `default` = ReaderLimits()
}

extension JSONDocument {
    /// Reads an appsettings file from its bytes.
    ///
    /// Accepts `//` and `/* */` comments and trailing commas, as ASP.NET's JSON provider does, and
    /// nothing else beyond RFC 8259. Rejects, with a diagnostic at the offending line and
    /// column: malformed JSON, invalid UTF-8, a top-level value that is not an object, nesting
    /// deeper than ``ReaderLimits/maxDepth``, a file larger than ``ReaderLimits/maxBytes``, and
    /// a key path written twice (compared ignoring case, exactly where ASP.NET would fail).
    ///
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - file: The name diagnostics use for the file.
    ///   - limits: Size and depth limits.
    /// - Throws: A ``Diagnostic`` with the position of the first problem.
    public convenience init(parsing bytes: [UInt8], file: String, limits: ReaderLimits = .default) throws(Diagnostic) {
        try self.init(parsing: bytes, file: file, limits: limits, appsettingsRules: true)
    }

    /// Reads any JSON text (comments and trailing commas allowed): any top-level value, and
    /// names repeated inside an object are kept as written. For JSON that is not an appsettings
    /// file, such as schemas and test data. ``root`` is then the top-level value, whatever its kind.
    public convenience init(parsingAnyValue bytes: [UInt8], file: String, limits: ReaderLimits = .default) throws(Diagnostic) {
        try self.init(parsing: bytes, file: file, limits: limits, appsettingsRules: false)
    }

    /// The members of the JSON object `text` by name, a repeated name's last value winning (as
    /// `JSONSerialization` reads them); `nil` when `text` is not JSON or not an object. How a JSON
    /// secret's keys are read, by resolution and by the operations that rewrite secrets.
    public static func objectMembers(parsing text: String, file: String) -> [String: JSONValue]? {
        guard let document = try? JSONDocument(parsingAnyValue: Array(text.utf8), file: file), document.root.kind == .object else {
            return nil
        }
        var members: [String: JSONValue] = [:]
        for (name, value) in document.root.members { members[name] = value }
        return members
    }

    convenience init(parsing bytes: [UInt8], file: String, limits: ReaderLimits, appsettingsRules: Bool) throws(Diagnostic) {
        let lineStarts = JSONDocument.computeLineStarts(bytes)
        func fail(_ failure: JSONReader.Failure) -> Diagnostic {
            Diagnostic(
                at: SourceLocation.locate(offset: failure.offset, in: bytes, lineStarts: lineStarts, file: file),
                failure.message, rule: failure.rule)
        }
        guard bytes.count <= limits.maxBytes else {
            throw fail(.init(offset: 0, message: "the file is \(bytes.count) bytes, above the limit of \(limits.maxBytes) bytes", rule: "file-too-large"))
        }
        guard bytes.count < Int(UInt32.max) else {
            throw fail(.init(offset: 0, message: "the file is too large to read", rule: "file-too-large"))
        }
        let result: Result<JSONReader.Output, JSONReader.Failure> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer: buffer, maxDepth: limits.maxDepth, requireObject: appsettingsRules)
            do throws(JSONReader.Failure) {
                try reader.readDocument()
                return .success(reader.output)
            } catch {
                return .failure(error)
            }
        }
        let output: JSONReader.Output
        switch result {
        case .success(let value): output = value
        case .failure(let failure): throw fail(failure)
        }
        self.init(
            file: file, bytes: bytes, nodes: output.nodes, comments: output.comments,
            lineStarts: lineStarts, needsPathLevelDuplicateCheck: output.needsPathLevelDuplicateCheck)
        if appsettingsRules, needsPathLevelDuplicateCheck {
            try DuplicateKeyCheck.run(on: self)
        }
    }

    /// Reads an appsettings file from disk.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - displayName: The name diagnostics use; defaults to `path`.
    /// - Throws: A ``Diagnostic`` naming the file when it cannot be read or is not valid.
    public convenience init(contentsOfFile path: String, displayName: String? = nil, limits: ReaderLimits = .default) throws(Diagnostic) {
        let name = displayName ?? path
        let bytes = try FileBytes.read(path, displayName: name, maxBytes: limits.maxBytes)
        try self.init(parsing: bytes, file: name, limits: limits)
    }

    static func computeLineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            let n = buffer.count
            while i < n {
                if JSONDocument.isLineBreak(buffer, at: i) { starts.append(i + 1) }
                i += 1
            }
        }
        return starts
    }
}

/// The tokenizer and tree builder. Works on raw bytes, records byte offsets only; line and
/// column are computed when a diagnostic needs them.
struct JSONReader: ~Copyable {
    struct Failure: Error {
        var offset: Int
        var message: String
        var rule: String = "syntax"
    }

    struct Output {
        var nodes: [JSONNode]
        var comments: [Range<Int>]
        var needsPathLevelDuplicateCheck: Bool
    }

    private let p: UnsafeBufferPointer<UInt8>
    private let n: Int
    private var i = 0
    private var depth = 0
    private let maxDepth: Int
    private let requireObject: Bool
    private var nodes: [JSONNode] = []
    private var comments: [Range<Int>] = []
    /// Folded-name hashes of the members of the objects being read, one segment per open object.
    private var memberHashes: [UInt64] = []
    private var needsPathLevelDuplicateCheck = false

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, requireObject: Bool) {
        self.p = buffer
        self.n = buffer.count
        self.maxDepth = maxDepth
        self.requireObject = requireObject
        nodes.reserveCapacity(max(16, buffer.count / 16))
    }

    var output: Output {
        Output(nodes: nodes, comments: comments, needsPathLevelDuplicateCheck: needsPathLevelDuplicateCheck)
    }

    mutating func readDocument() throws(Failure) {
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
        // .NET reads a file with a UTF-16 or UTF-32 byte order mark in that encoding; this
        // reader keeps byte positions for edits, so it asks for UTF-8 instead of misreading it.
        if n >= 2, (p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF) || (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) {
            throw Failure(offset: 0, message: "this file is UTF-16 or UTF-32 (it starts with a byte order mark); save it as UTF-8")
        }
        try skipTrivia()
        guard i < n else {
            throw Failure(offset: i, message: requireObject ? "the file is empty; an appsettings file must hold a JSON object" : "the file is empty; expected a JSON value")
        }
        let rootStart = i
        try readValue(keyStart: JSONNode.noKey, keyEnd: JSONNode.noKey, keyFlags: 0)
        let rootKind = nodes[0].kind
        guard rootKind == .object || !requireObject else {
            throw Failure(
                offset: rootStart,
                message: "the top-level value must be an object, but this file holds \(rootKind)", rule: "top-level")
        }
        try skipTrivia()
        if i < n {
            throw Failure(offset: i, message: "found \(describeByte(at: i)) after the end of the top-level value")
        }
    }

    // MARK: Trivia

    @inline(__always)
    private mutating func skipTrivia() throws(Failure) {
        while i < n {
            let c = p[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                i += 1
            } else if c == UInt8(ascii: "/") {
                try skipComment()
            } else {
                return
            }
        }
    }

    private mutating func skipComment() throws(Failure) {
        let start = i
        guard i + 1 < n else { throw Failure(offset: i, message: "unexpected '/'; comments start with '//' or '/*'") }
        if p[i + 1] == UInt8(ascii: "/") {
            i += 2
            // As System.Text.Json: the comment ends at a line feed or a carriage return, and a
            // U+2028 or U+2029 inside it is an error (.NET refuses to load such a file).
            while i < n, p[i] != 0x0A, p[i] != 0x0D {
                if p[i] == 0xE2, i + 2 < n, p[i + 1] == 0x80, p[i + 2] == 0xA8 || p[i + 2] == 0xA9 {
                    let character = p[i + 2] == 0xA8 ? "U+2028 (line separator)" : "U+2029 (paragraph separator)"
                    throw Failure(offset: i, message: "this '//' comment holds \(character), which .NET's JSON reader refuses; remove it")
                }
                if p[i] >= 0x80 { try skipUTF8Sequence() } else { i += 1 }
            }
            comments.append(start..<i)
        } else if p[i + 1] == UInt8(ascii: "*") {
            i += 2
            while true {
                guard i < n else { throw Failure(offset: start, message: "this '/*' comment is never closed") }
                if p[i] == UInt8(ascii: "*"), i + 1 < n, p[i + 1] == UInt8(ascii: "/") {
                    i += 2
                    break
                }
                if p[i] >= 0x80 { try skipUTF8Sequence() } else { i += 1 }
            }
            comments.append(start..<i)
        } else {
            throw Failure(offset: i, message: "unexpected '/'; comments start with '//' or '/*'")
        }
    }

    // MARK: Values

    private mutating func readValue(keyStart: UInt32, keyEnd: UInt32, keyFlags: UInt8) throws(Failure) {
        guard i < n else { throw Failure(offset: i, message: "the file ends where a value was expected") }
        let start = i
        switch p[i] {
        case UInt8(ascii: "{"):
            try readObject(keyStart: keyStart, keyEnd: keyEnd, keyFlags: keyFlags)
        case UInt8(ascii: "["):
            try readArray(keyStart: keyStart, keyEnd: keyEnd, keyFlags: keyFlags)
        case UInt8(ascii: "\""):
            let escapes = try readString()
            appendLeaf(.string, start: start, keyStart: keyStart, keyEnd: keyEnd, flags: keyFlags | (escapes ? JSONNode.valueHasEscapes : 0))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try readNumber()
            appendLeaf(.number, start: start, keyStart: keyStart, keyEnd: keyEnd, flags: keyFlags)
        case UInt8(ascii: "t"):
            try readLiteral("true")
            appendLeaf(.true, start: start, keyStart: keyStart, keyEnd: keyEnd, flags: keyFlags)
        case UInt8(ascii: "f"):
            try readLiteral("false")
            appendLeaf(.false, start: start, keyStart: keyStart, keyEnd: keyEnd, flags: keyFlags)
        case UInt8(ascii: "n"):
            try readLiteral("null")
            appendLeaf(.null, start: start, keyStart: keyStart, keyEnd: keyEnd, flags: keyFlags)
        default:
            if isIdentifierByte(p[i]) { try readLiteral("null") }  // reports the unknown word
            throw Failure(offset: i, message: "expected a value, found \(describeByte(at: i))")
        }
    }

    @inline(__always)
    private mutating func appendLeaf(_ kind: JSONKind, start: Int, keyStart: UInt32, keyEnd: UInt32, flags: UInt8) {
        nodes.append(
            JSONNode(
                start: UInt32(start), end: UInt32(i), keyStart: keyStart, keyEnd: keyEnd,
                count: 0, next: UInt32(nodes.count + 1), kind: kind, flags: flags))
    }

    private mutating func enterContainer() throws(Failure) {
        depth += 1
        if depth > maxDepth {
            throw Failure(offset: i, message: "nesting is deeper than the limit of \(maxDepth) levels", rule: "too-deep")
        }
    }

    private mutating func readObject(keyStart: UInt32, keyEnd: UInt32, keyFlags: UInt8) throws(Failure) {
        try enterContainer()
        let start = i
        let me = nodes.count
        nodes.append(JSONNode(start: UInt32(start), end: 0, keyStart: keyStart, keyEnd: keyEnd, count: 0, next: 0, kind: .object, flags: keyFlags))
        i += 1  // {
        let hashBase = memberHashes.count
        var largeObjectHashes: Set<UInt64>?
        var count: UInt32 = 0
        try skipTrivia()
        while true {
            guard i < n else { throw Failure(offset: start, message: "this object is never closed; expected '}'") }
            if p[i] == UInt8(ascii: "}") { break }
            guard p[i] == UInt8(ascii: "\"") else {
                if p[i] == UInt8(ascii: ",") {
                    throw Failure(offset: i, message: "unexpected ','; expected a property name in double quotes")
                }
                throw Failure(offset: i, message: "expected a property name in double quotes, found \(describeByte(at: i))")
            }
            let nameStart = i + 1
            let nameEscapes = try readString()
            let nameEnd = i - 1
            let (hash, hasColon) = foldedHash(from: nameStart, to: nameEnd, hasEscapes: nameEscapes)
            if hasColon { needsPathLevelDuplicateCheck = true }
            if largeObjectHashes == nil {
                var k = hashBase
                while k < memberHashes.count {
                    if memberHashes[k] == hash { needsPathLevelDuplicateCheck = true }
                    k += 1
                }
                memberHashes.append(hash)
                if memberHashes.count - hashBase > 24 {
                    largeObjectHashes = Set(memberHashes[hashBase...])
                }
            } else if largeObjectHashes!.insert(hash).inserted == false {
                needsPathLevelDuplicateCheck = true
            }
            try skipTrivia()
            guard i < n, p[i] == UInt8(ascii: ":") else {
                throw Failure(offset: i, message: i < n ? "expected ':' after the property name, found \(describeByte(at: i))" : "the file ends where ':' was expected")
            }
            i += 1
            try skipTrivia()
            try readValue(keyStart: UInt32(nameStart), keyEnd: UInt32(nameEnd), keyFlags: nameEscapes ? JSONNode.keyHasEscapes : 0)
            count += 1
            try skipTrivia()
            guard i < n else { throw Failure(offset: start, message: "this object is never closed; expected '}'") }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                try skipTrivia()  // a trailing comma before '}' is allowed
            } else if p[i] != UInt8(ascii: "}") {
                throw Failure(offset: i, message: "expected ',' or '}' after an object member, found \(describeByte(at: i))")
            }
        }
        i += 1  // }
        memberHashes.removeSubrange(hashBase...)
        depth -= 1
        nodes[me].end = UInt32(i)
        nodes[me].count = count
        nodes[me].next = UInt32(nodes.count)
    }

    private mutating func readArray(keyStart: UInt32, keyEnd: UInt32, keyFlags: UInt8) throws(Failure) {
        try enterContainer()
        let start = i
        let me = nodes.count
        nodes.append(JSONNode(start: UInt32(start), end: 0, keyStart: keyStart, keyEnd: keyEnd, count: 0, next: 0, kind: .array, flags: keyFlags))
        i += 1  // [
        var count: UInt32 = 0
        try skipTrivia()
        while true {
            guard i < n else { throw Failure(offset: start, message: "this array is never closed; expected ']'") }
            if p[i] == UInt8(ascii: "]") { break }
            if p[i] == UInt8(ascii: ",") { throw Failure(offset: i, message: "unexpected ','; expected a value") }
            try readValue(keyStart: JSONNode.noKey, keyEnd: JSONNode.noKey, keyFlags: 0)
            count += 1
            try skipTrivia()
            guard i < n else { throw Failure(offset: start, message: "this array is never closed; expected ']'") }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                try skipTrivia()
            } else if p[i] != UInt8(ascii: "]") {
                throw Failure(offset: i, message: "expected ',' or ']' after an array element, found \(describeByte(at: i))")
            }
        }
        i += 1  // ]
        depth -= 1
        nodes[me].end = UInt32(i)
        nodes[me].count = count
        nodes[me].next = UInt32(nodes.count)
    }

    /// Reads a string token starting at the opening quote; leaves `i` after the closing quote.
    /// Returns whether the string holds escape sequences.
    private mutating func readString() throws(Failure) -> Bool {
        let start = i
        i += 1
        var escapes = false
        while true {
            // Fast scan over plain ASCII.
            while i < n {
                let c = p[i]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
                i += 1
            }
            guard i < n else { throw Failure(offset: start, message: "this string is never closed; expected '\"'") }
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return escapes
            } else if c == UInt8(ascii: "\\") {
                escapes = true
                try readEscape()
            } else if c >= 0x80 {
                try skipUTF8Sequence()
            } else {
                throw Failure(
                    offset: i,
                    message: c == 0x0A || c == 0x0D
                        ? "a line break inside a string must be written as \\n; is a closing '\"' missing?"
                        : "a control character must be escaped inside a string (\\t, \\u0000, ...)")
            }
        }
    }

    private mutating func readEscape() throws(Failure) {
        let start = i
        guard i + 1 < n else { throw Failure(offset: i, message: "the file ends inside an escape sequence") }
        switch p[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            i += 2
            let unit = try readHex4(escapeStart: start)
            if unit >= 0xD800, unit < 0xDC00 {
                guard i + 1 < n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                    throw Failure(offset: start, message: "this \\u escape is a high surrogate without the low surrogate that must follow it")
                }
                let lowStart = i
                i += 2
                let low = try readHex4(escapeStart: lowStart)
                guard low >= 0xDC00, low < 0xE000 else {
                    throw Failure(offset: start, message: "this \\u escape is a high surrogate without the low surrogate that must follow it")
                }
            } else if unit >= 0xDC00, unit < 0xE000 {
                throw Failure(offset: start, message: "this \\u escape is a low surrogate without a high surrogate before it")
            }
        default:
            throw Failure(offset: i, message: "invalid escape sequence in a string; only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u are escapes")
        }
    }

    private mutating func readHex4(escapeStart: Int) throws(Failure) -> UInt16 {
        guard i + 4 <= n else { throw Failure(offset: escapeStart, message: "a \\u escape needs four hexadecimal digits") }
        var value: UInt16 = 0
        for k in 0..<4 {
            guard let digit = JSONStringDecoding.hexDigit(p[i + k]) else {
                throw Failure(offset: escapeStart, message: "a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
        }
        i += 4
        return value
    }

    /// Validates one UTF-8 sequence at `i` (whose first byte is >= 0x80) and moves past it.
    private mutating func skipUTF8Sequence() throws(Failure) {
        let b0 = p[i]
        var length = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw invalidUTF8(at: i)
        }
        guard i + length <= n else { throw invalidUTF8(at: i) }
        let b1 = p[i + 1]
        guard b1 >= low, b1 <= high else { throw invalidUTF8(at: i) }
        var k = 2
        while k < length {
            guard p[i + k] & 0xC0 == 0x80 else { throw invalidUTF8(at: i) }
            k += 1
        }
        i += length
    }

    private func invalidUTF8(at offset: Int) -> Failure {
        Failure(offset: offset, message: "invalid UTF-8 byte sequence; appsettings files must be UTF-8", rule: "encoding")
    }

    private mutating func readNumber() throws(Failure) {
        let start = i
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(p[i]) else { throw Failure(offset: start, message: "invalid number: a digit must follow '-'") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < n, isDigit(p[i]) { throw Failure(offset: start, message: "invalid number: leading zeros are not allowed in JSON") }
        } else {
            while i < n, isDigit(p[i]) { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(p[i]) else { throw Failure(offset: start, message: "invalid number: a digit must follow the decimal point") }
            while i < n, isDigit(p[i]) { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(p[i]) else { throw Failure(offset: start, message: "invalid number: the exponent needs digits") }
            while i < n, isDigit(p[i]) { i += 1 }
        }
        if i < n, isIdentifierByte(p[i]) {
            throw Failure(offset: start, message: "invalid number: \(describeByte(at: i)) follows the digits")
        }
    }

    private mutating func readLiteral(_ word: StaticString) throws(Failure) {
        let length = word.utf8CodeUnitCount
        let start = i
        var matches = i + length <= n
        if matches {
            let w = word.utf8Start
            for k in 0..<length where p[i + k] != w[k] {
                matches = false
                break
            }
        }
        if matches, i + length < n, isIdentifierByte(p[i + length]) { matches = false }
        guard matches else {
            // Any bare word (a misspelt literal, or a secret someone forgot to quote) is named by
            // its kind and position only: messages never hold text from the file.
            throw Failure(offset: start, message: "unexpected bare word; expected a value (strings need double quotes; literals are true, false and null)")
        }
        i += length
    }

    // MARK: Helpers

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    @inline(__always) private func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2E || c == 0x2B || c == 0x2D
    }

    /// A hash of a member name folded the way ``ConfigKey`` compares keys.
    /// Also tells whether the name holds a `:`, which makes it a path of several segments.
    private func foldedHash(from start: Int, to end: Int, hasEscapes: Bool) -> (UInt64, Bool) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var k = start
        var ascii = !hasEscapes
        var colon = false
        while k < end, ascii {
            var c = p[k]
            if c >= 0x80 {
                ascii = false
                break
            }
            if c == 0x3A { colon = true }
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3
            k += 1
        }
        if ascii { return (hash, colon) }
        // Names with escapes or non-ASCII text: decode and fold the full string.
        let name = JSONStringDecoding.decode(Array(p[start..<end]), from: 0, to: end - start, hasEscapes: hasEscapes)
        hash = 0xcbf2_9ce4_8422_2325
        for c in ConfigKey.fold(name).utf8 {
            hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3
        }
        return (hash, name.utf8.contains(0x3A))
    }

    /// What kind of byte is at `offset`, for messages. JSON's own punctuation is quoted; any
    /// other byte is named by its kind only, since it may belong to a secret written without
    /// quotes: a message never holds text from the file.
    private func describeByte(at offset: Int) -> String {
        guard offset < n else { return "end of file" }
        let c = p[offset]
        switch c {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "\""):
            return "'\(String(UnicodeScalar(c)))'"
        case _ where isIdentifierByte(c):
            return "a bare word"
        case 0x00..<0x20, 0x7F:
            return "a control character"
        case 0x80...:
            return "a non-ASCII character"
        default:
            return "a character that is not JSON syntax"
        }
    }
}
