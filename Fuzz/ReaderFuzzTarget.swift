// libFuzzer entry point for the appsettings reader (`scripts/fuzz.sh reader`). Built by
// scripts/fuzz.sh against an instrumented QSLConfigCore; never part of the package build.
//
// Every input must either read successfully or produce a diagnostic with a position inside the
// file; a crash, a hang or an out-of-range position is a bug.

@testable import QSLConfigCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let document = try JSONDocument(parsing: bytes, file: "fuzz.json", limits: ReaderLimits(maxBytes: 1 << 20, maxDepth: 64))
        // Walk everything the model exposes.
        var stack = [document.root]
        while let value = stack.popLast() {
            _ = value.location
            _ = value.key
            _ = value.scalarText
            precondition(value.byteRange.upperBound <= bytes.count)
            stack.append(contentsOf: value.children)
        }
        let layer = try ConfigurationLayer.json(document)
        for entry in layer.orderedEntries {
            if let value = entry.value, let template = try? PlaceholderTemplate(parsing: value) {
                _ = template.canonicalText
            }
        }
        // Rewriting every string with itself must reproduce the file exactly.
        var edits: [JSONEdit] = []
        stack = [document.root]
        while let value = stack.popLast() {
            if value.kind == .string { edits.append(JSONEdit(range: value.byteRange, replacement: value.sourceText)) }
            stack.append(contentsOf: value.children)
        }
        let rewritten = try document.applying(edits)
        precondition(rewritten == bytes, "an identity edit changed the file")
    } catch {
        if let location = error.location {
            precondition(location.offset >= 0 && location.offset <= bytes.count, "diagnostic offset out of range")
            precondition(location.line >= 1 && location.column >= 1, "diagnostic position out of range")
        }
    }
    // Placeholder parsing of arbitrary text never crashes either.
    _ = try? PlaceholderTemplate(parsing: String(decoding: bytes, as: UTF8.self))
    return 0
}
