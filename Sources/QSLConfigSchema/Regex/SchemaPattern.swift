import Synchronization

/// A compiled `pattern` / `patternProperties` regular expression: ECMA-262 source read once by
/// ``ECMARegexTranslator`` and matched over Unicode scalars, unanchored (JSON Schema patterns
/// match anywhere unless they say `^`/`$`). Literal patterns need no engine; patterns the
/// project's ``RegexProgram`` runs go there, with Swift's `Regex` built only for an input it
/// declines; the rest (lookaround, backreferences, property escapes) go to Swift's `Regex`.
struct SchemaPattern: Sendable {
    /// The pattern as the schema wrote it.
    let source: String
    private let matcher: Matcher

    private enum Matcher: Sendable {
        /// Common simple patterns, answered without the regex engine.
        case prefix(String)
        case exact(String)
        case contains(String)
        /// The project's matcher, and Swift's engine for the inputs it declines.
        case program(RegexProgram, fallback: LazyRegex)
        case regex(CompiledRegex)
    }

    struct Failure: Error {
        var message: String
    }

    init(_ source: String) throws(Failure) {
        self.source = source
        if let simple = SchemaPattern.literalMatcher(source) {
            matcher = simple
            return
        }
        let output: ECMARegexTranslator.Output
        do {
            output = try ECMARegexTranslator.translate(source, mode: .lenient)
        } catch {
            throw Failure(message: "invalid regular expression \(JSONTree.quoted(source)): \(error)")
        }
        if output.usesLookbehind {
            throw Failure(message: "the regular expression \(JSONTree.quoted(source)) uses lookbehind, which Swift's regex engine does not support yet")
        }
        if let tree = output.tree, let program = RegexProgram(tree) {
            matcher = .program(program, fallback: LazyRegex(output.swiftPattern))
            return
        }
        do {
            matcher = .regex(CompiledRegex(try Self.swiftRegex(output.swiftPattern)))
        } catch {
            throw Failure(message: "the regular expression \(JSONTree.quoted(source)) cannot be compiled: \(error)")
        }
    }

    /// Swift's `Regex` for a translated pattern, with ECMA-262's matching options: over Unicode
    /// scalars, simple word boundaries, ASCII word characters.
    static func swiftRegex(_ translated: String) throws -> Regex<AnyRegexOutput> {
        try Regex(translated).matchingSemantics(.unicodeScalar).wordBoundaryKind(.simple).asciiOnlyWordCharacters()
    }

    /// What matching a text came to.
    enum Answer: Equatable {
        case match
        case noMatch
        /// The project's matcher ran out of steps: the pattern backtracks too much on this text
        /// (`(a|aa)+c` on a long run of `a`). Swift's engine, a backtracker too, would take
        /// longer still, so no engine is asked.
        case tooComplex
    }

    /// Whether the pattern matches somewhere in `text`; ``Answer/tooComplex`` when deciding it
    /// would take more than ``RegexProgram/stepBudget`` steps.
    func answer(_ text: String) -> Answer {
        guard case .program(let program, let fallback) = matcher else { return matches(text) ? .match : .noMatch }
        switch program.outcome(text) {
        case .match: return .match
        case .noMatch: return .noMatch
        case .overBudget: return .tooComplex
        case .tooDeep: return (try? fallback.compiled()?.regex.firstMatch(in: text)) != nil ? .match : .noMatch
        }
    }

    /// Whether the pattern matches somewhere in `text` (a text too complex to decide does not).
    func matches(_ text: String) -> Bool {
        switch matcher {
        case .prefix(let prefix): text.unicodeScalars.starts(with: prefix.unicodeScalars)
        case .exact(let literal): text.unicodeScalars.elementsEqual(literal.unicodeScalars)
        case .contains(let literal): literal.isEmpty || Self.containsScalars(text, literal)
        case .program: answer(text) == .match
        case .regex(let compiled): (try? compiled.regex.firstMatch(in: text)) != nil
        }
    }

    private static func containsScalars(_ text: String, _ literal: String) -> Bool {
        let haystack = Array(text.unicodeScalars)
        let needle = Array(literal.unicodeScalars)
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// `^abc`, `^abc$` and `abc` made of letters, digits, `_` and `-` only need no engine.
    private static func literalMatcher(_ source: String) -> Matcher? {
        var body = Substring(source)
        let anchoredStart = body.hasPrefix("^")
        if anchoredStart { body = body.dropFirst() }
        let anchoredEnd = body.hasSuffix("$")
        if anchoredEnd { body = body.dropLast() }
        guard body.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") })
        else { return nil }
        switch (anchoredStart, anchoredEnd) {
        case (true, true): return .exact(String(body))
        case (true, false): return .prefix(String(body))
        case (false, false): return .contains(String(body))
        case (false, true): return nil
        }
    }
}

/// Swift's `Regex` for a pattern ``RegexProgram`` runs, built on the first input that matcher
/// declines (most patterns never need it).
final class LazyRegex: Sendable {
    private let pattern: String
    private let cell = Mutex<CompiledRegex??>(nil)

    init(_ pattern: String) {
        self.pattern = pattern
    }

    /// The compiled regex; `nil` if Swift's engine refuses the pattern.
    func compiled() -> CompiledRegex? {
        cell.withLock { cell in
            if let built = cell { return built }
            let built = (try? SchemaPattern.swiftRegex(pattern)).map(CompiledRegex.init)
            cell = .some(built)
            return built
        }
    }
}

/// A Swift `Regex`, shared between threads.
///
/// `Regex` is not declared `Sendable` because it compiles its program lazily on first use. The
/// initialiser runs one match so that the program is built before the value is shared; after
/// that, matching only reads it.
final class CompiledRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>

    init(_ regex: Regex<AnyRegexOutput>) {
        self.regex = regex
        _ = try? regex.firstMatch(in: "")
    }
}
