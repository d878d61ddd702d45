@testable import QSLConfigSchema
import Testing

@Suite("Exact numbers")
struct NumberTests {
    private func n(_ text: String) -> SchemaNumber { SchemaNumber(jsonText: text)! }

    @Test("values compare mathematically")
    func comparison() {
        #expect(n("1.0") == n("1"))
        #expect(n("1e2") == n("100"))
        #expect(n("-0") == n("0"))
        #expect(n("0.1") < n("0.10000000000000000001"))
        #expect(n("-1e400") < n("-1e399"))
        #expect(n("123456789012345678901234567890") < n("123456789012345678901234567891"))
        #expect(n("1e308").isInteger)
        #expect(!n("1.5").isInteger)
    }

    @Test("multipleOf is exact for decimals and large values")
    func multiples() {
        #expect(n("0.0225").isMultiple(of: n("0.0075")))
        #expect(n("0.0075").isMultiple(of: n("0.0075")))
        #expect(!n("0.00751").isMultiple(of: n("0.0075")))
        #expect(n("19.99").isMultiple(of: n("0.01")))
        #expect(!n("1e308").isMultiple(of: n("0.123456789")))
        #expect(n("1e308").isMultiple(of: n("2")))
        #expect(n("98249283749234923498293171823948729348710298301928331").isMultiple(of: n("3")) == false)
        #expect(n("12345678901234567890123456789012345678901234567890").isMultiple(of: n("10")))
    }

    @Test("a value with more decimals than the divisor is never a multiple, answered without long division")
    func multiplesOfLongFractions() {
        // 20,000 fraction digits: the answer follows from the last digit not being zero.
        let long = n("1." + String(repeating: "7", count: 20_000))
        #expect(!long.isMultiple(of: n("0.01")))
        #expect(!n("0.125").isMultiple(of: n("0.25")))
        #expect(n("0.5").isMultiple(of: n("0.25")))
        #expect(n("0.75").isMultiple(of: n("0.25")))
    }

    @Test("invalid JSON number text is rejected")
    func invalidText() {
        for text in ["", "-", "01", "1.", ".5", "1e", "+1", "1x", "NaN"] {
            #expect(SchemaNumber(jsonText: text) == nil, "\(text)")
        }
        #expect(SchemaNumber(lenientText: "+0080")?.description == "80")
        #expect(SchemaNumber(lenientText: "abc") == nil)
    }
}

@Suite("ECMA-262 regular expressions")
struct RegexTests {
    private func matches(_ pattern: String, _ text: String) throws -> Bool {
        try SchemaPattern(pattern).matches(text)
    }

    @Test("shorthand classes keep their ECMA-262 meaning")
    func shorthands() throws {
        #expect(try matches(#"^\d+$"#, "123"))
        #expect(try !matches(#"^\d+$"#, "১২৩"))  // Bengali digits are not \d in ECMA-262
        #expect(try !matches(#"^\w$"#, "é"))
        #expect(try matches(#"^\s$"#, "\u{A0}"))
        #expect(try matches(#"^\s$"#, "\u{FEFF}"))
        #expect(try !matches(#"^.$"#, "\u{2028}"))
        #expect(try matches(#"^.$"#, "🐲"))  // one code point
        #expect(try !matches(#"^a$"#, "a\n"))
        #expect(try matches(#"^\p{Letter}+$"#, "Ωmega"))
        #expect(try matches(#"[[]"#, "["))
        #expect(try matches(#"^[^\d\s]+$"#, "abc"))
        #expect(try matches(#"(a)\1"#, "aa"))
        #expect(try matches(#"\bfoo\b"#, "a foo."))
        #expect(try matches(#"^\u{1F600}$"#, "😀"))
        #expect(try matches(#"^\uD83D\uDE00$"#, "😀"))
    }

    @Test("ranges whose bounds Unicode normalisation changes still compile and match")
    func normalisationUnstableBounds() throws {
        #expect(try matches(#"^[\u2000-\u200A]+$"#, "\u{2000}\u{2001}\u{2005}\u{200A}"))
        #expect(try !matches(#"^[\u2000-\u200A]$"#, "\u{200B}"))
        #expect(try matches(#"^[\u2125-\u2127]$"#, "\u{2126}"))
        #expect(try matches(#"^[\uF900-\uFAFF]$"#, "\u{F901}"))
    }

    @Test("format regex applies the u-flag grammar strictly")
    func strictGrammar() {
        let valid = [#"([abc])+\s+$"#, #"^(?<year>\d{4})-\k<year>$"#, #"(?<=a)b"#, #"\p{Script=Greek}"#, #"[a-z-]"#]
        let invalid = [#"^(abc]"#, #"\Z"#, "a{2,1}", "*a", "a**", #"[z-a]"#, #"\k<nope>"#, "(?<n>a)(?<n>b)", #"\1"#, "{", "]"]
        for pattern in valid {
            #expect(FormatChecker.isValid(pattern, as: .regex), "\(pattern)")
        }
        for pattern in invalid {
            #expect(!FormatChecker.isValid(pattern, as: .regex), "\(pattern)")
        }
    }

    @Test("groups nested past the limit are an invalid regex, not a stack overflow")
    func deepNesting() throws {
        let limit = ECMARegexTranslator.maxGroupDepth
        let atLimit = String(repeating: "(", count: limit) + "a" + String(repeating: ")", count: limit)
        #expect(FormatChecker.isValid(atLimit, as: .regex))
        // format: regex parses instance strings: 3,000 '(' used to exhaust the stack.
        #expect(!FormatChecker.isValid(String(repeating: "(", count: 3_000), as: .regex))
        let tooDeep = "(" + atLimit + ")"
        #expect(!FormatChecker.isValid(tooDeep, as: .regex))
        do {
            _ = try SchemaFixtures.validator(#"{"pattern": "\#(tooDeep)"}"#)
            Issue.record("expected an error")
        } catch let error as SchemaError {
            #expect(error.kind == .invalidPattern)
            #expect(error.message.contains("nest more than \(limit) levels"))
        }
    }

    @Test("lookbehind is reported as unsupported, not silently ignored")
    func lookbehind() {
        #expect(throws: SchemaPattern.Failure.self) { try SchemaPattern("(?<=a)b") }
    }
}

/// Patterns `scripts/fuzz.sh regex` found, pinned: what strict mode accepts lenient mode reads the
/// same way, and every translation compiles as a Swift `Regex`.
@Suite("ECMA-262 translator, fuzz regressions")
struct RegexFuzzRegressionTests {
    @Test("strict and lenient agree and the translation compiles", arguments: [
        #"a[u{,]}\aF}\p{L}\P{Nz}]+\b"#,
        "\\(?!,]}u(?!,]}u0\\43}\\\u{0C},]}\\a]\u{1C}\u{0C}4}\\.){3}\\\u{0C}",
        "(?!a){3}", "(?=a)*b", #"\43"#, "\\\u{0C}", "[]+\\b", "a[]*b", "[^]{2}",
        // Neighbours of those findings, kept so that they stay translatable.
        #"\1(a)"#, #"(a)|\1"#, #"\k<n>(?<n>a)"#, #"(?<n>a)\k<n>{2}"#, #"[\b]"#, #"[\d-z]"#, #"\c"#, #"\c1"#, #"[\c_]"#,
        #"\ud800"#, #"[\ud800-\udfff]"#, "a{65535}", "(?:)", "()", "(|)", "a|", #"\0"#, #"[\0-\x7f]"#, #"\-"#, "[-a-]",
        #"[a-\d]"#, "x{1,3}?", "(?:a|)*", "(a*)*b", #"\u{110000}"#, #"[\s\S]{0}"#, #"(?=)"#, #"(?!)+"#,
    ])
    func translates(_ pattern: String) throws {
        let strict = try? ECMARegexTranslator.translate(pattern, mode: .strict)
        let lenient = try? ECMARegexTranslator.translate(pattern, mode: .lenient)
        if let strict {
            #expect(lenient?.swiftPattern == strict.swiftPattern)
        }
        if let lenient, !lenient.usesLookbehind {
            #expect(throws: Never.self) { try Regex(lenient.swiftPattern) }
        }
    }

    @Test("a quantified lookahead (Annex B) is accepted leniently and keeps its meaning")
    func quantifiedLookahead() throws {
        #expect(try SchemaPattern("^(?=a){2}a$").matches("a"))
        #expect(try !SchemaPattern("^(?=a){2}a$").matches("b"))
        #expect(try SchemaPattern("^(?!b)*b$").matches("b"))
        #expect(try SchemaPattern("^(?=a)?b$").matches("b"))
        #expect(!FormatChecker.isValid("(?=a){2}", as: .regex), "the u flag does not allow it")
        #expect(try SchemaPattern("^a[]*b$").matches("ab"), "an empty class repeated zero times")
        #expect(try !SchemaPattern("[]+").matches("a"))
    }

    /// A known limit, not a fix: ECMA-262 bounds repetition by nothing, Swift's engine by 65535.
    @Test("a repetition count above 65535 is refused with the engine's reason")
    func repetitionLimit() {
        #expect(throws: SchemaPattern.Failure.self) { try SchemaPattern("a{65536}") }
        #expect(throws: Never.self) { try SchemaPattern("^a{2,65535}$") }
    }

    @Test("an unknown Unicode property is a syntax error with its position, in both modes")
    func unknownProperty() throws {
        #expect(!FormatChecker.isValid(#"\p{Nz}"#, as: .regex))
        #expect(!FormatChecker.isValid(#"[\P{NotAProperty}]"#, as: .regex))
        #expect(FormatChecker.isValid(#"[\p{L}\P{Nd}\p{Script=Greek}]"#, as: .regex))
        do {
            _ = try ECMARegexTranslator.translate(#"ab[\P{Nz}]"#, mode: .lenient)
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.message == "unknown Unicode property 'Nz'")
        }
    }
}
