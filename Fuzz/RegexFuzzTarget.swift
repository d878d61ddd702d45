// libFuzzer entry point for the ECMA-262 regular-expression translator (`scripts/fuzz.sh
// regex`): every pattern is translated in both modes, and a pattern the lenient mode accepts is
// compiled by Swift's `Regex` (as `pattern` does) and run on a short text. Built by
// scripts/fuzz.sh against instrumented QSLConfigCore and QSLConfigSchema; never part of the
// package build.
//
// Input: the pattern, then a NUL byte and the text to match (without one, the pattern itself).
//
// Checked: a pattern strict mode accepts, lenient mode accepts too, to the same Swift pattern;
// a translated pattern always compiles (a translation Swift refuses is a translator bug), save
// for repetition counts above 65535, which Swift's engine refuses (a known limit, tested); and
// where the project's own matcher (RegexProgram) runs a pattern, it answers as Swift's engine.

@testable import QSLConfigCore
@testable import QSLConfigSchema

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegex(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let pattern = String(decoding: bytes[..<split], as: UTF8.self)
    let text = split < bytes.count ? String(decoding: bytes[(split + 1)...].prefix(64), as: UTF8.self) : String(pattern.prefix(64))
    let strict = try? ECMARegexTranslator.translate(pattern, mode: .strict)
    let lenient = try? ECMARegexTranslator.translate(pattern, mode: .lenient)
    if let strict {
        precondition(lenient?.swiftPattern == strict.swiftPattern, "lenient mode reads a strict pattern differently")
    }
    if let lenient, !lenient.usesLookbehind, !exceedsRepetitionLimit(lenient.swiftPattern) {
        do {
            _ = try Regex(lenient.swiftPattern)
        } catch {
            preconditionFailure("a translated pattern does not compile")
        }
    }
    // What runs Swift's engine on a text is left out of the run, as its backtracking is
    // exponential in places that are not ours to fix: in the text on nested repetitions
    // (`(.|[\s\S])*x`), in the count on repeated groups with empty alternatives (`(|a|b){81}`,
    // even on the empty text). So texts stop at 16 scalars, counts at 8, and SchemaPattern runs
    // only patterns the project's matcher takes (which stops at its step budget); Swift's engine
    // still compiles every translation above.
    let short = text.unicodeScalars.count <= 16
    guard let lenient, let tree = lenient.tree, short, largestCount(tree) <= 8, let program = RegexProgram(tree),
        !program.nestsTooDeep(forInputOf: text.unicodeScalars.count)
    else { return 0 }
    if let compiled = try? SchemaPattern(pattern) {
        _ = compiled.matches(text)
    }
    // The project's matcher and Swift's engine agree, save word boundaries beside digits, where
    // Swift's engine departs from ECMA-262 (tested).
    if !containsWordBoundary(tree), let answer = program.matches(text), let regex = try? SchemaPattern.swiftRegex(lenient.swiftPattern) {
        precondition(answer == ((try? regex.firstMatch(in: text)) != nil), "the project's matcher and Swift's engine disagree")
    }
    return 0
}

/// The largest repetition bound in the pattern (a minimum, or a finite maximum).
func largestCount(_ node: RegexNode) -> Int {
    switch node {
    case .group(let inner): largestCount(inner)
    case .repetition(let inner, let min, let max, _): Swift.max(min, max ?? 0, largestCount(inner))
    case .sequence(let nodes), .alternation(let nodes): nodes.map(largestCount).max() ?? 0
    default: 0
    }
}

func containsWordBoundary(_ node: RegexNode) -> Bool {
    switch node {
    case .wordBoundary: true
    case .group(let inner), .repetition(let inner, _, _, _): containsWordBoundary(inner)
    case .sequence(let nodes), .alternation(let nodes): nodes.contains(where: containsWordBoundary)
    default: false
    }
}

/// Whether the Swift pattern repeats something more than 65535 times (`{70000}`, `{1,70000}`):
/// the engine's limit. `\u{...}` scalars are not counts; a literal `u` before a count is.
func exceedsRepetitionLimit(_ pattern: String) -> Bool {
    let scalars = Array(pattern.unicodeScalars)
    var i = 0
    while i < scalars.count {
        if scalars[i] == "{", !(i >= 2 && scalars[i - 1] == "u" && scalars[i - 2] == "\\") {
            var j = i + 1
            var value = 0
            while j < scalars.count, let digit = Int(String(scalars[j])) {
                value = min(value * 10 + digit, 1 << 20)
                j += 1
                if value > 65535 { return true }
                if j < scalars.count, scalars[j] == "," {
                    value = 0
                    j += 1
                }
            }
        }
        i += 1
    }
    return false
}
