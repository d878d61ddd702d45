/// A compiled `pattern` / `patternProperties` regular expression: ECMA-262 source translated
/// once by ``ECMARegexTranslator`` and run by Swift's `Regex` over Unicode scalars, unanchored
/// (JSON Schema patterns match anywhere unless they say `^`/`$`).
struct SchemaPattern: Sendable {
    /// The pattern as the schema wrote it.
    let source: String
    private let matcher: Matcher

    private enum Matcher: Sendable {
        /// Common simple patterns, answered without the regex engine.
        case prefix(String)
        case exact(String)
        case contains(String)
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
        do {
            let regex = try Regex(output.swiftPattern)
                .matchingSemantics(.unicodeScalar)
                .wordBoundaryKind(.simple)
                .asciiOnlyWordCharacters()
            matcher = .regex(CompiledRegex(regex))
        } catch {
            throw Failure(message: "the regular expression \(JSONTree.quoted(source)) cannot be compiled: \(error)")
        }
    }

    /// Whether the pattern matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        switch matcher {
        case .prefix(let prefix): text.unicodeScalars.starts(with: prefix.unicodeScalars)
        case .exact(let literal): text.unicodeScalars.elementsEqual(literal.unicodeScalars)
        case .contains(let literal): literal.isEmpty || Self.containsScalars(text, literal)
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
