import Foundation
import QSLConfigCore
@testable import QSLConfigSchema
import Testing

@Suite("Referenced schema files")
struct ReferencedFilesTests {
    /// A folder of its own under the system's temporary folder, with `files` written into it.
    static func folder(_ files: [String: String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qsl-refs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        return folder
    }

    @Test("a missing file named by repeated references, and by others into it, is reported once, at the first $ref")
    func repeatedMissingReference() throws {
        let folder = try Self.folder([
            "root.schema.json": """
                {
                  "properties": {
                    "A": {"$ref": "missing.json#/$defs/x"},
                    "B": {"$ref": "missing.json#/$defs/x"},
                    "C": {"$ref": "missing.json#/$defs/y"}
                  }
                }
                """
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var registry = SchemaRegistry()
        do {
            try registry.addFileWithReferences(atPath: folder + "/root.schema.json")
            Issue.record("a reference to a missing file was accepted")
        } catch {
            #expect(error.kind == .unresolvableReference)
            #expect(error.message.contains("names the file \(folder)/missing.json, which does not exist"), "\(error.message)")
            #expect(error.sourceLocation?.line == 3, "\(String(describing: error.sourceLocation))")
        }
    }

    @Test("a reference to a resource the schema embeds under its own $id, or a $ref inside data (examples, const, enum, default), reads no file")
    func embeddedResourcesAndDataAreNotFiles() throws {
        let folder = try Self.folder([
            "embedded.schema.json": #"{"$id": "https://example.com/root.json", "$defs": {"a": {"$id": "a.json", "type": "integer"}}, "properties": {"x": {"$ref": "a.json"}}}"#,
            "data.schema.json": #"{"examples": [{"$ref": "nope.json"}], "properties": {"y": {"const": {"$ref": "nope.json"}, "default": {"$ref": "nope.json"}, "enum": [{"$ref": "nope.json"}]}}}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var registry = SchemaRegistry()
        let embedded = try registry.addFileWithReferences(atPath: folder + "/embedded.schema.json")
        let validator = try SchemaValidator(registeredURI: embedded, registry: registry, options: SchemaValidationOptions())
        #expect(!validator.validate(try SchemaFixtures.value(#"{"x": "s"}"#)).isValid, "a.json is the embedded integer schema")
        #expect(validator.validate(try SchemaFixtures.value(#"{"x": 1}"#)).isValid)
        let data = try registry.addFileWithReferences(atPath: folder + "/data.schema.json")
        let dataValidator = try SchemaValidator(registeredURI: data, registry: registry, options: SchemaValidationOptions())
        #expect(dataValidator.validate(try SchemaFixtures.value(#"{"y": {"$ref": "nope.json"}}"#)).isValid)
    }

    @Test("a property named like a data keyword (default, const, enum, examples) is a schema: its references are read")
    func propertiesNamedLikeDataKeywords() throws {
        let folder = try Self.folder([
            "root.schema.json": #"{"properties": {"default": {"$ref": "shared.schema.json#/$defs/n"}, "enum": {"$ref": "shared.schema.json#/$defs/n"}}, "$defs": {"const": {"$ref": "shared.schema.json"}}}"#,
            "shared.schema.json": #"{"$defs": {"n": {"type": "integer"}}}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var registry = SchemaRegistry()
        let root = try registry.addFileWithReferences(atPath: folder + "/root.schema.json")
        let validator = try SchemaValidator(registeredURI: root, registry: registry, options: SchemaValidationOptions())
        #expect(!validator.validate(try SchemaFixtures.value(#"{"default": "s"}"#)).isValid)
        #expect(validator.validate(try SchemaFixtures.value(#"{"default": 1, "enum": 2}"#)).isValid)
    }

    @Test("each referenced file is read once, however often and from however many files it is named")
    func sharedFileReadOnce() throws {
        let folder = try Self.folder([
            "a.schema.json": #"{"properties": {"A": {"$ref": "common.json#/$defs/n"}, "B": {"$ref": "common.json#/$defs/n"}}}"#,
            "b.schema.json": #"{"properties": {"C": {"$ref": "./common.json#/$defs/n"}}}"#,
            "common.json": #"{"$defs": {"n": {"type": "integer"}}}"#,
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var registry = SchemaRegistry()
        let bundled = registry.order.count
        let a = try registry.addFileWithReferences(atPath: folder + "/a.schema.json", confinedTo: [folder])
        let b = try registry.addFileWithReferences(atPath: folder + "/b.schema.json", confinedTo: [folder])
        #expect(registry.order.count == bundled + 3, "\(registry.order)")
        let validators = try SchemaValidator.compile(registeredURIs: [a, b], registry: registry)
        #expect(validators[0].isValid(try SchemaFixtures.value(#"{"A": 1, "B": 2}"#)))
        #expect(!validators[0].isValid(try SchemaFixtures.value(#"{"B": "two"}"#)))
        #expect(!validators[1].isValid(try SchemaFixtures.value(#"{"C": "three"}"#)))
    }
}
