// libFuzzer entry point for the `${...}` placeholder grammar (`scripts/fuzz.sh placeholder`).
// Built by scripts/fuzz.sh against an instrumented QSLConfigCore; never part of the package build.
//
// Every value either parses or is refused with an offset inside it; every reference it reads
// prints (its `description`) as text that parses back to the same single reference; relative
// secret references resolve under a prefix without crashing; and the credential classifier's
// reference folding agrees on the value's size.

@testable import QSLConfigCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlaceholder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let scalarCount = text.unicodeScalars.count
    do {
        let template = try PlaceholderTemplate(parsing: text)
        for part in template.parts {
            guard case .reference(let reference, let offset) = part else { continue }
            precondition(offset >= 0 && offset < scalarCount, "reference offset out of range")
            let reparsed = try? PlaceholderTemplate(parsing: reference.description)
            precondition(reparsed?.isSingleReference == true && reparsed?.references == [reference], "a reference does not print as itself")
        }
        _ = template.canonicalText
        _ = template.resolvingRelativeSecrets(under: "qsl/fuzz/").canonicalText
        _ = PlaceholderTemplate.mayContainReference(text)
    } catch {
        precondition(error.offset >= 0 && error.offset <= scalarCount, "syntax error offset out of range")
    }
    // Redaction folds references the same way; it must never crash on what the parser refuses.
    for finding in CredentialClassifier.findings(key: "Fuzz:Value", value: text, includeReview: true) {
        precondition(finding.utf8Offsets.upperBound <= text.utf8.count)
    }
    return 0
}
