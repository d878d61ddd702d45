// libFuzzer entry point for the ECMA-262 regular-expression translator (`scripts/fuzz.sh
// regex`): every pattern is translated in both modes, and a pattern the lenient mode accepts is
// compiled by Swift's `Regex` (as `pattern` does) and run on a short text. Built by
// scripts/fuzz.sh against instrumented QSLConfigCore and QSLConfigSchema; never part of the
// package build.
//
// Input: the pattern, then a NUL byte and the text to match (without one, the pattern itself).
//
// Checked: a pattern strict mode accepts, lenient mode accepts too, to the same Swift pattern;
// a translated pattern always compiles (a translation Swift refuses is a translator bug).

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
    if let lenient, !lenient.usesLookbehind {
        do {
            _ = try Regex(lenient.swiftPattern)
        } catch {
            preconditionFailure("a translated pattern does not compile")
        }
    }
    if let compiled = try? SchemaPattern(pattern) {
        _ = compiled.matches(text)
    }
    return 0
}
