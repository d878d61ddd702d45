@testable import QSLConfigSchema
import Testing

/// ``RegexProgram`` (the project's matcher for the patterns it runs) against Swift's `Regex`
/// built from the same translation: both must answer every input the same.
@Suite("The project's regex matcher beside Swift's engine")
struct RegexProgramTests {
    /// The translation's tree as a program, and Swift's regex for the translated text.
    private func both(_ pattern: String) throws -> (RegexProgram, Regex<AnyRegexOutput>) {
        let output = try ECMARegexTranslator.translate(pattern, mode: .lenient)
        let tree = try #require(output.tree, "\(pattern) should run on the project's matcher")
        let program = try #require(RegexProgram(tree), "\(pattern)")
        return (program, try SchemaPattern.swiftRegex(output.swiftPattern))
    }

    private func expectSame(_ pattern: String, _ inputs: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (program, regex) = try both(pattern)
        for input in inputs {
            let expected = (try regex.firstMatch(in: input)) != nil
            #expect(program.matches(input) == expected, "\(pattern) on \(input.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    @Test("the platform schemas' patterns, on matching and failing values")
    func platformPatterns() throws {
        try expectSame(#"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"#, ["abc", "a.b", "ab", "a-", "-ab", "a" + String(repeating: "b", count: 61) + "c", "a" + String(repeating: "b", count: 62) + "c"])
        try expectSame(#"^/([A-Za-z0-9_.-]+/)+$"#, ["/qsl/", "/qsl/prod/", "qsl/", "/qsl", "//", "/a//"])
        try expectSame(#"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$"#, ["us-east-1", "us-gov-west-1", "us-isob-east-1", "us-iso-east-1", "useast-1", "us-east-12"])
        try expectSame(#"^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?$"#, ["00:30", "1.02:03:04.5", "-12:30:00", "123:00", "1:2", "00:30:00.12345678"])
        try expectSame(#"^([^{}]|\{(prefix|env|service|slug|section|key|name)\})+$"#, ["{prefix}/{service}", "plain", "{other}", "{env", "", "a{env}b{key}"])
        try expectSame(#"\$[{<][^}>]+[}>]"#, ["${aws:secrets:x}", "x $<y> z", "${}", "$x", "${a"])
        try expectSame(#"^\+[1-9]\d{6,14}$"#, ["+14155550100", "+0123456", "+123456", "+1234567890123456"])
        try expectSame(#"^[^/\\][^\\]*$"#, ["a/b", "/a", "\\a", "a\\b", "a"])
    }

    @Test("ECMA-262's corners: empty iterations, laziness, alternation order, classes, anchors, boundaries")
    func corners() throws {
        try expectSame(#"(a*)*b"#, ["b", "aab", "aaa", ""])
        try expectSame(#"^(a|ab)(c|bcd)(d*)$"#, ["abcd", "acd", "abcdd", "abc"])
        try expectSame(#"^(?:a?)*?b$"#, ["b", "ab", "aab", "a"])
        try expectSame(#"^a{2,3}?$"#, ["a", "aa", "aaa", "aaaa"])
        try expectSame(#"^(?:ab){2}$"#, ["abab", "ab", "ababab"])
        try expectSame(#"^(?:x|){3}y$"#, ["y", "xy", "xxxy", "xxxxy"])
        try expectSame(#"^[\D][^\W][\s\S]$"#, ["a_ ", "1a ", "aa\n", "a- "])
        try expectSame(#"^[\w-]+$"#, ["a-b_c", "a b", "é"])
        try expectSame(#"^.$"#, ["a", "\n", "\r", "\u{2028}", "é", "🙂"])
        try expectSame(#"^[^]$"#, ["\n", "a", ""])
        try expectSame(#"^$"#, ["", "\n", "a"])
        try expectSame(#"a$"#, ["a", "a\n", "ba"])
        try expectSame(#"^\u{1F642}+$"#, ["🙂🙂", "🙂a"])
        try expectSame(#"^[\u0041-\u005A]{2}$"#, ["AB", "ab", "A"])
        try expectSame(#"^\x41\t\0$"#, ["A\t\u{0}", "A\t0"])
        try expectSame(#"^a{,2}$"#, ["a{,2}", "aa"])
        try expectSame(#"^]{$"#, ["]{", "]"])
        try expectSame(#"(?:)"#, ["", "x"])
        try expectSame(#"^(?<word>[a-z]+)-$"#, ["ab-", "-"])
    }

    /// Swift's engine, even with ASCII word characters and simple boundaries, sees no word
    /// boundary beside a digit (`\b` finds nothing in "1"); ECMA-262's `\w` has the digits, so
    /// the project's matcher is checked against the standard's answers here instead.
    @Test("word boundaries follow ECMA-262, digits included")
    func wordBoundaries() throws {
        let cases: [(String, String, Bool)] = [
            (#"\b"#, "1", true), (#"\b"#, "-", false), (#"\b"#, "", false), (#"\B"#, "", true), (#"\B"#, "1", false),
            (#"\bfoo\b"#, "a foo b", true), (#"\bfoo\b"#, "afoo", false), (#"\bfoo\b"#, "foo_", false), (#"\bfoo\b"#, "1foo", false),
            (#"\bfoo\b"#, "-foo-", true), (#"\Boo\B"#, "foo", false), (#"\Boo\B"#, "fooa", true), (#"^\b\d+\b$"#, "42", true),
            (#"a\b1"#, "a1", false), (#"a\B1"#, "a1", true), (#"\bé"#, "é", false), (#"x\b"#, "xé", true),
        ]
        for (pattern, input, expected) in cases {
            let (program, _) = try both(pattern)
            #expect(program.matches(input) == expected, "\(pattern) on \(input.debugDescription)")
            #expect(try SchemaPattern(pattern).matches(input) == expected, "\(pattern) on \(input.debugDescription)")
        }
    }

    @Test("random patterns from the grammar the matcher runs, on random inputs, agree with Swift's engine")
    func randomAgreement() throws {
        var generator = SplitMix(seed: 0x5EED_2026)
        let atoms = ["a", "b", ".", "[ab]", "[^a]", #"\d"#, #"\w"#, #"\W"#, "[a-c1]", #"[\D-]"#, "(?:a|b)", "(a|ab)", "(?:)", "x", "(?:a+b|1)"]
        let quantifiers = ["", "", "", "*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{0,2}?", "{2,}"]
        var compared = 0
        for _ in 0..<400 {
            var pattern = generator.next(4) == 0 ? "^" : ""
            for _ in 0...generator.next(4) {
                var atom = atoms[generator.next(atoms.count)]
                if generator.next(5) == 0 { atom = "(?:" + atom + "|" + atoms[generator.next(atoms.count)] + ")" }
                pattern += atom + quantifiers[generator.next(quantifiers.count)]
            }
            if generator.next(4) == 0 { pattern += "$" }
            let inputs = (0..<6).map { _ in String((0..<generator.next(7)).map { _ in Array("ab1x -")[generator.next(6)] }) }
            try expectSame(pattern, inputs)
            compared += inputs.count
        }
        #expect(compared == 2400)
    }

    @Test("patterns the matcher does not run go to Swift's engine, and their answers stay right")
    func handedOver() throws {
        for pattern in [#"(a)\1"#, #"a(?=b)"#, #"a(?!b)"#, #"\p{Lu}"#, #"(?<x>a)\k<x>"#] {
            let output = try ECMARegexTranslator.translate(pattern, mode: .lenient)
            #expect(output.tree == nil, "\(pattern)")
        }
        #expect(try SchemaPattern(#"(a)\1"#).matches("aa"))
        #expect(try !SchemaPattern(#"(a)\1"#).matches("ab"))
        #expect(try SchemaPattern(#"^\p{Lu}+$"#).matches("ÀB"))
        #expect(try SchemaPattern(#"a(?=b)"#).matches("ab"))
        // A lenient `\p` without `{...}` is the letter itself, which the matcher runs.
        #expect(try ECMARegexTranslator.translate(#"a\pb[\P]"#, mode: .lenient).tree != nil)
        #expect(try SchemaPattern(#"^a\pb[\P]$"#).matches("apbP") && !SchemaPattern(#"^a\pb$"#).matches("ab"))
        #expect(try !SchemaPattern(#"a(?=b)"#).matches("ac"))
    }

    /// Found by the regex fuzz target: Swift's engine stops the process ("Should this be an
    /// assert?") on a backreference to a group under `{0}`. The translation writes `X{0}` as an
    /// alternative that is never taken, keeping the group numbers. (Swift's engine still answers
    /// `false` where ECMA-262 lets a backreference to an unset group match the empty string.)
    @Test("a backreference to a group repeated zero times does not stop the process")
    func zeroRepetitionBackreference() throws {
        let outcome = SchemaFixtures.onSmallStack { () -> [Bool?] in
            [#"(a){0}\1"#, #"(a){0,0}b\1"#, #"((a){0})\2"#, #"(0:Close3}|.){0}a\1a=,}"#].map { pattern in
                (try? SchemaPattern(pattern)).map { $0.matches("b") }
            }
        }
        #expect(outcome.allSatisfy { $0 != nil }, "every pattern compiles and answers: \(outcome)")
        let translated = try ECMARegexTranslator.translate(#"x(a){0}y"#, mode: .strict)
        #expect(translated.swiftPattern == #"x(?:(?!)(a))?y"#)
        #expect(try SchemaPattern(#"^x(a){0}y$"#).matches("xy") && !SchemaPattern(#"^x(a){0}y$"#).matches("xay"))
    }

    @Test("a property name patternProperties or additionalProperties cannot decide within the step budget fails, saying so; never a silent no-match")
    func undecidedPropertyNames() throws {
        let name = String(repeating: "a", count: 40) + "b"
        let message = #"property name "\#(name)" could not be checked against the pattern "^(?:a|aa)+c$" within 100000 matching steps (the pattern backtracks too much on this name); simplify the pattern"#
        let instance = try SchemaFixtures.value(#"{"\#(name)": "str", "aaac": 1}"#)
        let patterned = try SchemaFixtures.validator(#"{"patternProperties": {"^(?:a|aa)+c$": {"type": "integer"}}}"#)
        #expect(patterned.validate(instance).failures.map(\.message) == [message])
        let closed = try SchemaFixtures.validator(#"{"patternProperties": {"^(?:a|aa)+c$": {"type": "integer"}}, "additionalProperties": false}"#)
        #expect(closed.validate(instance).failures.map(\.message) == [message], "said once, by patternProperties")
        #expect(!closed.validate(instance).isValid)
        // Names the pattern decides are unaffected.
        #expect(patterned.validate(try SchemaFixtures.value(#"{"aaac": 1, "b": "x"}"#)).isValid)
    }

    @Test("inputs the matcher declines (over its step budget, nesting too deep through a repeated group) are answered by Swift's engine")
    func declinedInputs() throws {
        let (catastrophic, _) = try both(#"^(a|aa)+$"#)
        let long = String(repeating: "a", count: 40) + "b"
        #expect(catastrophic.matches(long) == nil, "the step budget stops the backtracking")
        // Over the step budget no engine is asked (Swift's would backtrack longer still): the
        // answer is "too complex", and validation says so.
        #expect(try SchemaPattern(#"^(?:a|aa)+c$"#).answer(String(repeating: "a", count: 40) + "b") == .tooComplex)
        #expect(try !SchemaPattern(#"^(?:a|aa)+c$"#).matches(String(repeating: "a", count: 40) + "b"))
        #expect(try SchemaPattern(#"^(?:a|aa)+c$"#).answer("aaac") == .match)
        let validator = try SchemaFixtures.validator(#"{"properties": {"Code": {"pattern": "^(a|aa)+c$"}}}"#)
        let failures = validator.validate(try SchemaFixtures.value(#"{"Code": "\#(String(repeating: "a", count: 40))b"}"#)).failures
        #expect(failures.count == 1)
        #expect(failures.first?.message == #""Code" could not be checked against the pattern "^(a|aa)+c$" within 100000 matching steps (the pattern backtracks too much on this value); simplify the pattern"#)

        let (grouped, _) = try both(#"^(?:ab)+$"#)
        let longest = try #require((1...2_000).last { !grouped.nestsTooDeep(forInputOf: 2 * $0) })
        let fits = String(repeating: "ab", count: longest)
        let longPairs = fits + "ab"
        #expect(grouped.matches(fits) == true, "the longest input the frame budget allows is matched here")
        #expect(grouped.matches(longPairs) == nil, "one pair more would nest too deep")
        #expect(try SchemaPattern(#"^(?:ab)+$"#).matches(longPairs))
        #expect(try !SchemaPattern(#"^(?:ab)+$"#).matches(longPairs + "a"))

        let (scalarRun, _) = try both(#"^a+$"#)
        #expect(scalarRun.matches(String(repeating: "a", count: 100_000)) == true, "a repeated class never recurses per character")
        #expect(RegexProgram(.repetition(.group(.sequence([.scalar("a"), .scalar("b")])), min: 2_000, max: nil, greedy: true)) == nil)
    }
}

extension RegexProgramTests {
    @Test("the deepest matches the matcher takes on fit a secondary thread's stack: a repeated group at the input limit, long literal patterns")
    func depthFitsASmallStack() throws {
        // The longest inputs the frame budget lets these patterns match here, not in Swift's engine.
        let (grouped, _) = try both(#"^(?:ab)+$"#)
        let (lazy, _) = try both(#"^(?:a|b)*?(?:ab)+$"#)
        let pairs = String(repeating: "ab", count: try #require((1...2_000).last { !grouped.nestsTooDeep(forInputOf: 2 * $0) }))
        let lazyPairs = String(repeating: "ab", count: try #require((1...2_000).last { !lazy.nestsTooDeep(forInputOf: 2 * $0) }))
        #expect(grouped.matches(pairs) == true && lazy.matches(lazyPairs) == true)
        let literal = String(repeating: "x", count: 5_000)
        let outcome = SchemaFixtures.onSmallStack { () -> [Bool] in
            [
                (try? SchemaPattern(#"^(?:ab)+$"#).matches(pairs)) ?? false,
                (try? SchemaPattern(#"^(?:a|b)*?(?:ab)+$"#).matches(lazyPairs)) ?? false,
                (try? SchemaPattern("^" + literal + "$").matches(literal)) ?? false,
                (try? SchemaPattern("(?:" + literal + ")+").matches(literal + literal)) ?? false,
                (try? SchemaPattern("^" + literal + "$").matches(literal + "y")) == false,
            ]
        }
        #expect(outcome == [true, true, true, true, true])
    }
}

/// A small deterministic generator (SplitMix64), so the random agreement test is the same run
/// every time.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
