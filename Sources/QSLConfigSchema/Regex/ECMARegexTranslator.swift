/// Reads an ECMA-262 regular expression (the dialect JSON Schema's `pattern` and `format: regex`
/// use, with the `u` flag) and writes the equivalent Swift `Regex` syntax.
///
/// The two dialects differ where it matters for validation: in ECMA-262 `\d`, `\w` and `\b` are
/// ASCII-only, `\s` is a fixed list of Unicode spaces, `.` excludes four line terminators, `$`
/// matches only at the very end, and `[` inside a class is an ordinary character, whereas Swift
/// treats `[`, `&&`, `--` and `~~` in a class as set syntax. So every construct is re-emitted
/// explicitly: classes list their members as `\u{…}` scalars and the shorthand classes expand to
/// their ECMA-262 members.
///
/// ``Mode/strict`` applies the `u`-flag grammar exactly (used by `format: regex`).
/// ``Mode/lenient`` also takes the web-compatibility forms of Annex B that schemas in the wild
/// use: a lone `{`, `}` or `]` is a literal, and an unknown escape such as `\a` is the character.
struct ECMARegexTranslator {
    enum Mode {
        case strict
        case lenient
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        var description: String { "\(message) (at character \(offset + 1))" }
    }

    /// The translated pattern and what it needs from the engine.
    struct Output {
        var swiftPattern: String
        /// Lookbehind is valid ECMA-262 that Swift's engine does not run yet.
        var usesLookbehind: Bool
        /// The pattern as a tree for ``RegexProgram``, or `nil` when it uses what that matcher
        /// does not run (lookaround, a backreference, a Unicode property escape).
        var tree: RegexNode?
    }

    private let scalars: [Unicode.Scalar]
    private let mode: Mode
    private var i = 0
    private var out = ""
    private var groupCount = 0
    private var groupNames: Set<String> = []
    private var referencedNames: [(String, Int)] = []
    private var backreferences: [(Int, Int)] = []
    private var usesLookbehind = false
    private var totalGroups = 0
    /// Groups open around the current position.
    private var groupDepth = 0
    /// Whether the pattern uses something ``RegexProgram`` does not run.
    private var needsSwiftEngine = false

    /// Groups nested deeper than this are refused: parsing recurses once per group, and
    /// `format: regex` parses instance strings, so the nesting is the input's to choose.
    static let maxGroupDepth = 100

    static let ecmaSpaces: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]
    static let ecmaDigits: [ClosedRange<UInt32>] = [0x30...0x39]
    static let ecmaWord: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]

    private init(_ pattern: String, mode: Mode) {
        self.scalars = Array(pattern.unicodeScalars)
        self.mode = mode
    }

    /// Translates `pattern`, or throws a ``Failure`` describing its first syntax error.
    static func translate(_ pattern: String, mode: Mode) throws(Failure) -> Output {
        var translator = ECMARegexTranslator(pattern, mode: mode)
        translator.totalGroups = translator.countGroups()
        let tree = try translator.parseDisjunction()
        if translator.i < translator.scalars.count {
            // Only an unmatched ')' stops the top-level disjunction early.
            throw Failure(message: "unmatched ')'", offset: translator.i)
        }
        for (name, offset) in translator.referencedNames where !translator.groupNames.contains(name) {
            throw Failure(message: "no group is named '\(name)'", offset: offset)
        }
        for (number, offset) in translator.backreferences where number > translator.groupCount {
            throw Failure(message: "backreference \\\(number) names a group that does not exist", offset: offset)
        }
        return Output(swiftPattern: translator.out, usesLookbehind: translator.usesLookbehind, tree: translator.needsSwiftEngine ? nil : tree)
    }

    // MARK: Structure

    private var atEnd: Bool { i >= scalars.count }
    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        i + offset < scalars.count ? scalars[i + offset] : nil
    }

    private func fail(_ message: String, at offset: Int? = nil) -> Failure {
        Failure(message: message, offset: offset ?? i)
    }

    /// Counts capturing groups ahead of parsing, so `\2` before group 2 is known to be valid.
    private func countGroups() -> Int {
        var count = 0
        var k = 0
        var inClass = false
        while k < scalars.count {
            let c = scalars[k]
            if c == "\\" {
                k += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
            } else if c == "[" {
                inClass = true
            } else if c == "(" {
                if k + 1 < scalars.count, scalars[k + 1] == "?" {
                    if k + 2 < scalars.count, scalars[k + 2] == "<",
                        k + 3 < scalars.count, scalars[k + 3] != "=", scalars[k + 3] != "!"
                    {
                        count += 1
                    }
                } else {
                    count += 1
                }
            }
            k += 1
        }
        return count
    }

    private mutating func parseDisjunction() throws(Failure) -> RegexNode {
        var alternatives = [try parseAlternative()]
        while peek() == "|" {
            i += 1
            out += "|"
            alternatives.append(try parseAlternative())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseAlternative() throws(Failure) -> RegexNode {
        var terms: [RegexNode] = []
        while let c = peek(), c != "|", c != ")" {
            terms.append(try parseTerm())
        }
        return terms.count == 1 ? terms[0] : .sequence(terms)
    }

    private mutating func parseTerm() throws(Failure) -> RegexNode {
        let start = i
        let outMark = out.utf8.count
        guard let c = peek() else { return .sequence([]) }
        var quantifiable = true
        let atom: RegexNode
        switch c {
        case "^":
            i += 1
            out += "^"
            quantifiable = false
            atom = .inputStart
        case "$":
            i += 1
            out += "$"
            quantifiable = false
            atom = .inputEnd
        case "\\" where peek(1) == "b" || peek(1) == "B":
            out += peek(1) == "b" ? "\\b" : "\\B"
            atom = .wordBoundary(negated: peek(1) == "B")
            i += 2
            quantifiable = false
        case "(":
            (quantifiable, atom) = try parseGroup()
        case ".":
            i += 1
            out += "[^\\n\\r\\u{2028}\\u{2029}]"
            atom = .set(.dot)
        case "[":
            atom = try parseClass()
        case "\\":
            atom = try parseAtomEscape()
        case "*", "+", "?":
            throw fail("nothing to repeat before '\(c)'")
        case "{":
            if mode == .strict || looksLikeQuantifier() {
                throw fail("nothing to repeat before '{'")
            }
            i += 1
            atom = emitLiteral(c)
        case "}", "]":
            if mode == .strict { throw fail("unexpected '\(c)'; escape it as \\\(c)") }
            i += 1
            atom = emitLiteral(c)
        default:
            i += 1
            atom = emitLiteral(c)
        }
        return try parseQuantifier(quantifiable: quantifiable, atomStart: start, outMark: outMark, atom: atom)
    }

    /// Parses `(...)`; returns whether the group may take a quantifier, and the group.
    private mutating func parseGroup() throws(Failure) -> (quantifiable: Bool, RegexNode) {
        let open = i
        guard groupDepth < Self.maxGroupDepth else { throw fail("groups nest more than \(Self.maxGroupDepth) levels deep") }
        groupDepth += 1
        defer { groupDepth -= 1 }
        i += 1
        let mark = out.utf8.count
        var isLookahead = false
        var quantifiable = true
        if peek() == "?" {
            switch peek(1) {
            case ":":
                i += 2
                out += "(?:"
            case "=", "!":
                out += peek(1) == "=" ? "(?=" : "(?!"
                i += 2
                // Annex B allows quantified lookaheads; the u flag does not.
                quantifiable = mode == .lenient
                isLookahead = true
                needsSwiftEngine = true
            case "<" where peek(2) == "=" || peek(2) == "!":
                out += peek(2) == "=" ? "(?<=" : "(?<!"
                i += 3
                usesLookbehind = true
                needsSwiftEngine = true
                quantifiable = false
            case "<":
                i += 2
                let name = try parseGroupName()
                if groupNames.contains(name) { throw fail("duplicate group name '\(name)'", at: open) }
                groupNames.insert(name)
                groupCount += 1
                out += "(?<\(name)>"
            default:
                throw fail("invalid group; '(?' must be followed by ':', '=', '!' or '<'")
            }
        } else {
            groupCount += 1
            out += "("
        }
        let inner = try parseDisjunction()
        guard peek() == ")" else { throw fail("missing ')' for the group opened", at: open) }
        i += 1
        out += ")"
        if isLookahead, quantifiable, startsQuantifier() {
            // Swift repeats no bare assertion: `(?=a){3}` is written `(?:(?=a)){3}`.
            out.insert(contentsOf: "(?:", at: out.utf8.index(out.utf8.startIndex, offsetBy: mark))
            out += ")"
        }
        return (quantifiable, .group(inner))
    }

    /// Whether a quantifier (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`) starts at the current position.
    private func startsQuantifier() -> Bool {
        switch peek() {
        case "*", "+", "?": true
        case "{": looksLikeQuantifier()
        default: false
        }
    }

    /// Reads `name>` after `(?<` or `\k<`.
    private mutating func parseGroupName() throws(Failure) -> String {
        var name = ""
        while let c = peek(), c != ">" {
            let valid = name.isEmpty
                ? (c.properties.isIDStart || c == "$" || c == "_")
                : (c.properties.isIDContinue || c == "$" || c == "\u{200C}" || c == "\u{200D}")
            guard valid else { throw fail("invalid character in a group name") }
            name.unicodeScalars.append(c)
            i += 1
        }
        guard peek() == ">", !name.isEmpty else { throw fail("a group name must be written <name>") }
        i += 1
        // Swift group names are ASCII identifiers; others are renamed consistently.
        if !name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0)) })
            || name.unicodeScalars.first.map({ ("0"..."9").contains($0) }) == true
        {
            return "g" + name.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: "_")
        }
        return name
    }

    private func looksLikeQuantifier() -> Bool {
        var k = i + 1
        var digits = 0
        while k < scalars.count, ("0"..."9").contains(scalars[k]) {
            k += 1
            digits += 1
        }
        guard digits > 0, k < scalars.count else { return false }
        if scalars[k] == "}" { return true }
        guard scalars[k] == "," else { return false }
        k += 1
        while k < scalars.count, ("0"..."9").contains(scalars[k]) { k += 1 }
        return k < scalars.count && scalars[k] == "}"
    }

    /// Reads the quantifier after `atom` (whose Swift text starts at `outMark` in the output),
    /// if any, and returns the atom as quantified.
    private mutating func parseQuantifier(quantifiable: Bool, atomStart: Int, outMark: Int, atom: RegexNode) throws(Failure) -> RegexNode {
        guard let c = peek() else { return atom }
        var text: String
        let low: Int
        let high: Int?
        switch c {
        case "*", "+", "?":
            i += 1
            text = String(c)
            low = c == "+" ? 1 : 0
            high = c == "?" ? 1 : nil
        case "{":
            guard looksLikeQuantifier() else {
                if mode == .strict { throw fail("incomplete quantifier; escape '{' as \\{") }
                return atom
            }
            i += 1
            low = readNumber()
            var upper: Int? = low
            if peek() == "," {
                i += 1
                upper = peek() == "}" ? nil : readNumber()
            }
            high = upper
            i += 1  // }
            if let high, high < low { throw fail("numbers out of order in a {min,max} quantifier", at: atomStart) }
            text = "{\(low)" + (high == low ? "" : ",") + (high.map { $0 == low ? "" : String($0) } ?? "") + "}"
            // Swift's engine refuses counts above 65535; such patterns keep failing to compile
            // there rather than running here.
            if low > 65535 || (high ?? 0) > 65535 { needsSwiftEngine = true }
        default:
            return atom
        }
        guard quantifiable else { throw fail("nothing to repeat before '\(c)'") }
        var greedy = true
        if peek() == "?" {
            i += 1
            text += "?"
            greedy = false
        }
        if high == 0 {
            // `X{0}` matches the empty string and leaves X's groups unset. Swift's engine
            // crashes on a backreference to a group under `{0}` (`(a){0}\1`), so X is written as
            // an alternative that can never be taken, which keeps the group numbers.
            out.insert(contentsOf: "(?:(?!)", at: out.utf8.index(out.utf8.startIndex, offsetBy: outMark))
            out += ")?"
        } else {
            out += text
        }
        return .repetition(atom, min: low, max: high, greedy: greedy)
    }

    private mutating func readNumber() -> Int {
        var value = 0
        while let c = peek(), ("0"..."9").contains(c) {
            value = min(value &* 10 &+ Int(c.value - 0x30), 100_000)
            i += 1
        }
        return value
    }

    // MARK: Escapes

    private mutating func parseAtomEscape() throws(Failure) -> RegexNode {
        let start = i
        i += 1
        guard let c = peek() else { throw fail("the pattern ends with '\\'", at: start) }
        switch c {
        case "d", "D", "w", "W", "s", "S":
            i += 1
            let negated = c == "D" || c == "W" || c == "S"
            out += "[" + (negated ? "^" : "") + Self.classBody(forShorthand: c) + "]"
            return .set(ScalarSet(ranges: Self.ranges(forShorthand: c), negated: negated))
        case "p", "P":
            // `\p{...}` is a property only Swift's engine knows; a lenient `\p` alone is the letter.
            guard peek(1) == "{" else {
                out += try parsePropertyEscape()
                return .scalar(c)
            }
            out += try parsePropertyEscape()
            needsSwiftEngine = true
            return .never
        case "k":
            i += 1
            if peek() == "<" {
                i += 1
                let nameStart = i
                let name = try parseGroupName()
                referencedNames.append((name, nameStart))
                out += "\\k<\(name)>"
                needsSwiftEngine = true
                return .never
            } else if mode == .strict {
                throw fail("\\k must be followed by <name>")
            } else {
                return emitLiteral("k")
            }
        case "1"..."9":
            let numberStart = i
            let number = readNumber()
            if number <= totalGroups {
                backreferences.append((number, numberStart))
                // Grouped so that a quantifier after it applies to the whole reference; digits
                // after it are emitted as \u{…} and cannot extend the number.
                out += "(?:\\\(number))"
                needsSwiftEngine = true
                return .never
            } else if mode == .strict {
                throw fail("backreference \\\(number) names a group that does not exist", at: start)
            } else {
                // Annex B: an octal escape or the digits themselves.
                i = numberStart
                return try emitLegacyOctalOrDigit()
            }
        default:
            let scalar = try parseCharacterEscape(inClass: false)
            return emitLiteral(scalar)
        }
    }

    private mutating func emitLegacyOctalOrDigit() throws(Failure) -> RegexNode {
        var value: UInt32 = 0
        var count = 0
        while count < 3, let c = peek(), ("0"..."7").contains(c) {
            let next = value * 8 + (c.value - 0x30)
            if next > 0o377 { break }
            value = next
            count += 1
            i += 1
        }
        if count == 0, let c = peek() {
            i += 1
            return emitLiteral(c)
        } else {
            return emitLiteral(Unicode.Scalar(value)!)
        }
    }

    /// Reads `\p{…}` or `\P{…}` (at `p`/`P`) and returns the Swift form.
    private mutating func parsePropertyEscape() throws(Failure) -> String {
        let negated = peek() == "P"
        i += 1
        guard peek() == "{" else {
            if mode == .strict { throw fail("\\p must be followed by {Property}") }
            return Self.escaped(negated ? "P" : "p")
        }
        i += 1
        var body = ""
        while let c = peek(), c != "}" {
            guard c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "=" else {
                throw fail("invalid character in a Unicode property escape")
            }
            body.unicodeScalars.append(c)
            i += 1
        }
        guard peek() == "}", !body.isEmpty else { throw fail("unterminated Unicode property escape") }
        let escape = (negated ? "\\P{" : "\\p{") + body + "}"
        // A name the engine does not know (`\p{Nz}`) is a syntax error here, not a pattern that
        // translates and then fails to compile (or a `format: regex` string wrongly accepted).
        guard (try? Regex(escape)) != nil else { throw fail("unknown Unicode property '\(body)'") }
        i += 1
        return escape
    }

    /// Reads a character escape after `\` (at the character after the backslash).
    private mutating func parseCharacterEscape(inClass: Bool) throws(Failure) -> Unicode.Scalar {
        guard let c = peek() else { throw fail("the pattern ends with '\\'") }
        i += 1
        switch c {
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "v": return "\u{0B}"
        case "0" where !(peek().map { ("0"..."9").contains($0) } ?? false):
            return "\u{0}"
        case "c":
            if let letter = peek(), letter.isASCII, letter.properties.isAlphabetic {
                i += 1
                return Unicode.Scalar(letter.value % 32)!
            }
            if mode == .strict { throw fail("\\c must be followed by a letter") }
            i -= 1
            return "\\"
        case "x":
            if let value = readHex(count: 2) { return Unicode.Scalar(value)! }
            if mode == .strict { throw fail("\\x must be followed by two hexadecimal digits") }
            return "x"
        case "u":
            return try parseUnicodeEscape()
        case "-" where inClass:
            return "-"
        default:
            let syntax: Set<Unicode.Scalar> = ["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]
            if syntax.contains(c) { return c }
            if mode == .strict {
                throw fail("invalid escape '\\\(c)'", at: i - 2)
            }
            if ("0"..."9").contains(c) {
                i -= 1
                var value: UInt32 = 0
                var count = 0
                while count < 3, let d = peek(), ("0"..."7").contains(d) {
                    let next = value * 8 + (d.value - 0x30)
                    if next > 0o377 { break }
                    value = next
                    count += 1
                    i += 1
                }
                if count == 0 {
                    i += 1
                    return c
                }
                return Unicode.Scalar(value)!
            }
            return c
        }
    }

    private mutating func readHex(count: Int) -> UInt32? {
        guard i + count <= scalars.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<count {
            guard let digit = Self.hexValue(scalars[i + k]) else { return nil }
            value = value * 16 + digit
        }
        i += count
        return value
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 0x30
        case "a"..."f": c.value - 0x61 + 10
        case "A"..."F": c.value - 0x41 + 10
        default: nil
        }
    }

    /// Reads `uXXXX`, a surrogate pair of them, or `u{X…}` (after the `u`).
    private mutating func parseUnicodeEscape() throws(Failure) -> Unicode.Scalar {
        if peek() == "{" {
            let start = i
            i += 1
            var value: UInt32 = 0
            var digits = 0
            while let c = peek(), let digit = Self.hexValue(c) {
                value = value &* 16 &+ digit
                digits += 1
                if value > 0x10FFFF { throw fail("\\u{…} is above U+10FFFF", at: start) }
                i += 1
            }
            guard digits > 0, peek() == "}" else { throw fail("invalid \\u{…} escape", at: start) }
            i += 1
            guard let scalar = Unicode.Scalar(value) else { throw fail("\\u{…} names a lone surrogate", at: start) }
            return scalar
        }
        guard let unit = readHex(count: 4) else {
            if mode == .strict { throw fail("\\u must be followed by four hexadecimal digits") }
            return "u"
        }
        if (0xD800..<0xDC00).contains(unit), peek() == "\\", peek(1) == "u" {
            let save = i
            i += 2
            if let low = readHex(count: 4), (0xDC00..<0xE000).contains(low) {
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            i = save
        }
        guard let scalar = Unicode.Scalar(unit) else {
            throw fail("a lone surrogate \\u\(String(unit, radix: 16)) cannot match a valid string")
        }
        return scalar
    }

    // MARK: Classes

    private enum ClassAtom {
        case scalar(Unicode.Scalar)
        /// A set such as `\d` or `\p{L}`, already in Swift syntax, with its members for
        /// ``RegexProgram`` (`nil` for a property escape, which only Swift's engine knows).
        case set(String, ranges: [ClosedRange<UInt32>]?, negated: Bool)
    }

    private mutating func parseClass() throws(Failure) -> RegexNode {
        let open = i
        i += 1
        var negated = false
        if peek() == "^" {
            negated = true
            i += 1
        }
        var items: [String] = []
        var members = ScalarSet(negated: negated)
        func add(_ atom: ClassAtom) {
            switch atom {
            case .scalar(let scalar): members.ranges.append(scalar.value...scalar.value)
            case .set(_, let ranges?, false): members.ranges += ranges
            case .set(_, let ranges?, true): members.complements.append(ranges)
            case .set(_, nil, _): needsSwiftEngine = true
            }
        }
        while true {
            guard let c = peek() else { throw fail("missing ']' for the class opened", at: open) }
            if c == "]" {
                i += 1
                break
            }
            let atomStart = i
            let first = try parseClassAtom()
            if peek() == "-", let after = peek(1), after != "]" {
                i += 1
                let second = try parseClassAtom()
                switch (first, second) {
                case (.scalar(let low), .scalar(let high)):
                    if low.value > high.value { throw fail("range out of order in a character class", at: atomStart) }
                    items.append(Self.range(low.value, high.value))
                    members.ranges.append(low.value...high.value)
                default:
                    if mode == .strict { throw fail("a class escape cannot bound a range", at: atomStart) }
                    // Annex B: the '-' is literal.
                    items.append(Self.render(first))
                    items.append(Self.escaped("-"))
                    items.append(Self.render(second))
                    add(first)
                    add(.scalar("-"))
                    add(second)
                }
            } else {
                items.append(Self.render(first))
                add(first)
            }
        }
        if items.isEmpty {
            // [] matches nothing, [^] matches any character. The empty class is a group, as a
            // quantifier may follow it (`[]+`) and Swift repeats no bare assertion.
            out += negated ? "[\\u{0}-\\u{10FFFF}]" : "(?:(?!))"
            return negated ? .set(ScalarSet(negated: true)) : .never
        }
        out += "[" + (negated ? "^" : "") + items.joined() + "]"
        return .set(members)
    }

    private mutating func parseClassAtom() throws(Failure) -> ClassAtom {
        let c = peek()!
        guard c == "\\" else {
            i += 1
            return .scalar(c)
        }
        i += 1
        guard let e = peek() else { throw fail("the pattern ends with '\\'") }
        switch e {
        case "d", "D", "w", "W", "s", "S":
            i += 1
            let body = Self.classBody(forShorthand: e)
            let negated = e == "D" || e == "W" || e == "S"
            return .set(negated ? "[^" + body + "]" : body, ranges: Self.ranges(forShorthand: e), negated: negated)
        case "p", "P":
            guard peek(1) == "{" else {
                // Lenient mode only (strict mode throws here): `\p` alone is the letter.
                _ = try parsePropertyEscape()
                return .scalar(e)
            }
            return .set(try parsePropertyEscape(), ranges: nil, negated: false)
        case "b":
            i += 1
            return .scalar("\u{08}")
        default:
            if ("1"..."9").contains(e), mode == .strict { throw fail("backreferences are not allowed in a class") }
            return .scalar(try parseCharacterEscape(inClass: true))
        }
    }

    private static func render(_ atom: ClassAtom) -> String {
        switch atom {
        case .scalar(let scalar): escaped(scalar)
        case .set(let text, _, _): text
        }
    }

    /// The members of `\d`, `\w` or `\s` (and of their negations' complements).
    private static func ranges(forShorthand c: Unicode.Scalar) -> [ClosedRange<UInt32>] {
        switch c {
        case "d", "D": ecmaDigits
        case "w", "W": ecmaWord
        default: ecmaSpaces
        }
    }

    private static func classBody(forShorthand c: Unicode.Scalar) -> String {
        ranges(forShorthand: c).map { range($0.lowerBound, $0.upperBound) }.joined()
    }

    /// A class range in Swift syntax. Swift refuses a range bound that Unicode normalisation
    /// would change (U+2000 EN QUAD normalises to U+2002, U+2126 OHM SIGN to U+03A9: exactly the
    /// Full_Composition_Exclusion scalars), so such bounds are listed on their own and the range
    /// is narrowed past them.
    static func range(_ lowerBound: UInt32, _ upperBound: UInt32) -> String {
        var low = lowerBound
        var high = upperBound
        var out = ""
        func unstable(_ value: UInt32) -> Bool {
            Unicode.Scalar(value)?.properties.isFullCompositionExclusion ?? true
        }
        while low <= high, unstable(low) {
            if let scalar = Unicode.Scalar(low) { out += escaped(scalar) }
            low += 1
        }
        while high > low, unstable(high) {
            if let scalar = Unicode.Scalar(high) { out += escaped(scalar) }
            high -= 1
        }
        if low < high {
            out += escaped(Unicode.Scalar(low)!) + "-" + escaped(Unicode.Scalar(high)!)
        } else if low == high, let scalar = Unicode.Scalar(low) {
            out += escaped(scalar)
        }
        return out
    }

    /// Writes `scalar` as a literal and returns it as a node.
    private mutating func emitLiteral(_ scalar: Unicode.Scalar) -> RegexNode {
        if scalar.isASCII, scalar.properties.isAlphabetic {
            out.unicodeScalars.append(scalar)
        } else {
            out += Self.escaped(scalar)
        }
        return .scalar(scalar)
    }

    static func escaped(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }
}
