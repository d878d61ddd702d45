import QSLConfigCore
@testable import QSLConfigSchema

/// Small helpers to build documents and validators from literal text.
enum SchemaFixtures {
    static func document(_ text: String, file: String = "appsettings.json") throws -> JSONDocument {
        try JSONDocument(parsing: Array(text.utf8), file: file)
    }

    static func value(_ text: String, file: String = "instance.json") throws -> JSONValue {
        try SchemaJSON.parse(bytes: Array(text.utf8), file: file)
    }

    static func validator(
        _ schema: String, registry: SchemaRegistry = SchemaRegistry(),
        options: SchemaValidationOptions = SchemaValidationOptions()
    ) throws -> SchemaValidator {
        try SchemaValidator(schema: value(schema, file: "schema.json"), registry: registry, options: options)
    }
}
