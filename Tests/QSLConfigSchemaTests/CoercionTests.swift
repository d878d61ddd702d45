import QSLConfigCore
@testable import QSLConfigSchema
import Testing

@Suite("coerceScalarStrings")
struct CoercionTests {
    static let schema = """
        {
          "properties": {
            "Port": { "type": "integer", "minimum": 1, "maximum": 65535 },
            "Ratio": { "type": "number", "multipleOf": 0.05 },
            "Enabled": { "type": "boolean" },
            "Level": { "type": "integer", "enum": [1, 2, 3] },
            "Name": { "type": ["string", "integer"], "maxLength": 3 }
          }
        }
        """

    @Test("strings are checked as the number or boolean they read as")
    func coerced() throws {
        let validator = try SchemaFixtures.validator(Self.schema, options: SchemaValidationOptions(coerceScalarStrings: true))
        let good = try SchemaFixtures.document(#"{"Port": "8080", "Ratio": " 0.15 ", "Enabled": "True", "Level": "2", "Name": "abc"}"#)
        #expect(validator.validate(good.root).failures.isEmpty)

        let bad = try SchemaFixtures.document(#"{"Port": "70000", "Ratio": "0.12", "Enabled": "yes", "Level": "4", "Name": "abcd"}"#)
        let failures = validator.validate(bad.root).failures
        #expect(Set(failures.map(\.keyword)) == ["maximum", "multipleOf", "type", "enum", "maxLength"])
        #expect(failures.first { $0.keyword == "maximum" }?.message == "value 70000 is above the maximum 65535")
        #expect(failures.first { $0.keyword == "type" }?.instancePointer == "/Enabled")
    }

    @Test("without the option a numeric string is a type error")
    func notCoerced() throws {
        let validator = try SchemaFixtures.validator(Self.schema)
        let result = validator.validate(try SchemaFixtures.document(#"{"Port": "8080", "Enabled": "true"}"#).root)
        #expect(result.failures.map(\.message) == [
            "\"Port\" must be an integer, found a string",
            "\"Enabled\" must be a boolean, found a string",
        ])
    }

    @Test("an integer type does not accept a string with a fraction")
    func fraction() throws {
        let validator = try SchemaFixtures.validator(Self.schema, options: SchemaValidationOptions(coerceScalarStrings: true))
        #expect(!validator.isValid(try SchemaFixtures.document(#"{"Port": "80.5"}"#).root))
        #expect(validator.isValid(try SchemaFixtures.document(#"{"Port": "+0080"}"#).root))
    }
}

@Suite("caseInsensitivePropertyNames")
struct CaseInsensitiveNameTests {
    static let schema = """
        {
          "required": ["Logging"],
          "properties": {
            "Logging": { "properties": { "LogLevel": { "additionalProperties": { "enum": ["Information", "Warning"] } } } }
          },
          "dependentRequired": { "Jwt": ["Issuer"] },
          "additionalProperties": { "type": "object" }
        }
        """

    @Test("configuration keys match schema properties ignoring case, as ASP.NET binds them")
    func folded() throws {
        let options = SchemaValidationOptions(caseInsensitivePropertyNames: true)
        let validator = try SchemaFixtures.validator(Self.schema, options: options)
        let document = try SchemaFixtures.document(#"{"logging": {"loglevel": {"Default": "Verbose"}}, "JWT": {}, "issuer": {}}"#)
        let failures = validator.validate(document.root).failures
        #expect(failures.map(\.instancePointer) == ["/logging/loglevel/Default"])

        let missing = validator.validate(try SchemaFixtures.document(#"{"jwt": {}}"#).root).failures
        #expect(missing.map(\.message) == ["required property \"Logging\" is missing", "property \"Issuer\" is required when \"Jwt\" is present"])
    }

    @Test("by default names are compared exactly")
    func exact() throws {
        let validator = try SchemaFixtures.validator(Self.schema)
        let document = try SchemaFixtures.document(#"{"logging": {"loglevel": {"Default": "Verbose"}}}"#)
        #expect(validator.validate(document.root).failures.map(\.message) == ["required property \"Logging\" is missing"])
    }
}
