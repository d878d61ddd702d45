// libFuzzer entry point for JSON Schema compilation and validation (`scripts/fuzz.sh schema`):
// an arbitrary schema is compiled (references, anchors, dialects, patterns, formats) and, when
// it compiles, validates an arbitrary instance. Built by scripts/fuzz.sh against instrumented
// QSLConfigCore and QSLConfigSchema; never part of the package build.
//
// Input: the schema's JSON, then a NUL byte and the instance's JSON (without one, the schema is
// validated against itself). The first byte of the input also picks the options.

@testable import QSLConfigCore
@testable import QSLConfigSchema

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let schemaBytes = Array(bytes[..<split])
    let instanceBytes = split < bytes.count ? Array(bytes[(split + 1)...]) : schemaBytes
    guard let schema = try? SchemaJSON.parse(bytes: schemaBytes, file: "schema.json") else { return 0 }
    let flags = bytes.first ?? 0
    let options = SchemaValidationOptions(
        assertFormats: flags & 1 == 0, coerceScalarStrings: flags & 2 != 0, caseInsensitivePropertyNames: flags & 4 != 0,
        defaultDraft: flags & 8 != 0 ? .draft7 : .draft2020_12)
    let validator: SchemaValidator
    do {
        validator = try SchemaValidator(schema: schema, registry: SchemaRegistry(), options: options)
    } catch {
        _ = error.description
        return 0
    }
    guard let instance = try? SchemaJSON.parse(bytes: instanceBytes, file: "instance.json") else { return 0 }
    let result = validator.validate(instance)
    precondition(result.isValid == validator.isValid(instance), "validate and isValid disagree")
    for failure in result.failures { _ = failure.description }
    return 0
}
