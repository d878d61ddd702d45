// libFuzzer entry point for the environment-file reader (`scripts/fuzz.sh env-file`). Built by
// scripts/fuzz.sh against an instrumented QSLConfigCore; never part of the package build.
//
// Every file either maps to a layer whose entries point inside it, or is refused with
// diagnostics whose positions are inside it.

@testable import QSLConfigCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvironmentFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    func check(_ location: SourceLocation?) {
        guard let location else { return }
        precondition(location.offset >= 0 && location.offset <= bytes.count, "position past the file's end")
        precondition(location.line >= 1 && location.column >= 1, "position before the file's start")
    }
    do {
        let layer = try EnvironmentFileSource().layer(parsing: bytes, file: "fuzz.env")
        for entry in layer.orderedEntries {
            check(entry.origin.location)
            _ = entry.key.segments
            if let value = entry.value { _ = try? PlaceholderTemplate(parsing: value) }
        }
    } catch {
        for diagnostic in error.diagnostics { check(diagnostic.location) }
    }
    return 0
}
