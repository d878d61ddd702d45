import Foundation
import QSLConfigCore
@testable import QSLConfigSchema
import Testing

@Suite("Built-in meta-schemas")
struct MetaschemaTests {
    static let files: [(String, String)] = [
        ("draft7/metaschema.json", "http://json-schema.org/draft-07/schema"),
        ("draft202012/metaschema.json", "https://json-schema.org/draft/2020-12/schema"),
    ] + ["core", "applicator", "unevaluated", "validation", "meta-data", "format-annotation", "format-assertion", "content"].map {
        ("draft202012/vocabularies/\($0).json", "https://json-schema.org/draft/2020-12/meta/\($0)")
    }

    @Test("equal the published copies", arguments: files.map(\.0))
    func equalShared(_ file: String) throws {
        let uri = try #require(Self.files.first { $0.0 == file }?.1)
        let shared = try SchemaJSON.parse(contentsOfFile: SchemaTestPaths.metaschemas + "/" + file)
        let bundled = try #require(SchemaRegistry().document(for: uri))
        #expect(JSONEquality.equal(JSONTree(shared), bundled.root))
    }

    @Test("each meta-schema validates itself and rejects a malformed schema", arguments: [SchemaDraft.draft7, .draft2020_12])
    func selfValidation(_ draft: SchemaDraft) throws {
        let validator = try SchemaValidator(registeredURI: draft.metaschemaURI, registry: SchemaRegistry())
        let metaschema = try #require(SchemaRegistry().document(for: draft.metaschemaURI)).root
        #expect(validator.isValid(metaschema))
        let bad = try SchemaFixtures.value(#"{"type": "integr", "minimum": "zero"}"#)
        let result = validator.validate(bad)
        #expect(!result.isValid)
        #expect(result.failures.contains { $0.instancePointer == "/minimum" })
    }

    @Test("are registered under their own $id (so they need no alias) and each parses when first read")
    func registeredUnderTheirIds() throws {
        let registry = SchemaRegistry()
        #expect(BundledMetaschemas.documents.count == Self.files.count)
        for (index, entry) in BundledMetaschemas.documents.enumerated() {
            let tree = BundledMetaschemas.tree(index)
            let id = try #require(tree["$id"]?.string, "\(entry.uri) has an $id")
            #expect(URIReference.resolve(id, against: entry.uri).withoutFragment == entry.uri)
            #expect(registry.document(for: id)?.uri == entry.uri, "found by its $id, fragment and all")
            #expect(registry.order.contains(entry.uri))
        }
    }

    @Test("a file's URI: absolute, dot segments removed, bytes outside a path segment's set percent-encoded")
    func fileURIs() throws {
        #expect(SchemaRegistry.fileURI(forPath: "/srv/schemas/a.schema.json") == "file:///srv/schemas/a.schema.json")
        #expect(SchemaRegistry.fileURI(forPath: "/srv/my schemas/#1/é%.json") == "file:///srv/my%20schemas/%231/%C3%A9%25.json")
        #expect(SchemaRegistry.fileURI(forPath: "/srv/./x/../y/A-Z_a~z!$&'()*+,;=:@.json") == "file:///srv/y/A-Z_a~z!$&'()*+,;=:@.json")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(SchemaRegistry.fileURI(forPath: "schemas/b.json") == SchemaRegistry.fileURI(forPath: cwd + "/schemas/b.json"))
        #expect(SchemaRegistry.fileURI(forPath: "schemas/b.json").hasPrefix("file:///"))
    }
}
