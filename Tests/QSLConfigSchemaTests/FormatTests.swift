@testable import QSLConfigSchema
import Testing

@Suite("Formats")
struct FormatTests {
    @Test("an A-label whose Punycode overflows is an invalid host name, not a trap")
    func punycodeOverflow() throws {
        #expect(FormatChecker.isValid("xn--bcher-kva.example", as: .hostname))
        // Digits that decode to an index near Int.max: n + i / (count + 1) overflows.
        #expect(!FormatChecker.isValid("xn--cz767205604493046e", as: .hostname))
        #expect(Punycode.decode(Array("cz767205604493046e".utf8)[...]) == nil)

        let validator = try SchemaFixtures.validator(
            #"{"properties": {"Cdn": {"type": "string", "format": "hostname"}}}"#, options: SchemaValidationOptions(assertFormats: true))
        let result = validator.validate(try SchemaFixtures.value(#"{"Cdn": "xn--cz767205604493046e"}"#))
        #expect(result.failures.map(\.keyword) == ["format"])
    }
}
