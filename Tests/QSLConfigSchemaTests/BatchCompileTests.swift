import QSLConfigCore
@testable import QSLConfigSchema
import Testing

@Suite("Compiling several schemas at once")
struct BatchCompileTests {
    @Test("validators compiled together report exactly what validators compiled one by one report")
    func sameResults() throws {
        let files = PlatformSchemaTests.serviceIDs.map { "\(SchemaTestPaths.schemas)/services/\($0).schema.json" }
        let options = SchemaValidationOptions(coerceScalarStrings: true, caseInsensitivePropertyNames: true)
        let together = try SchemaValidator.compile(schemaFiles: files, registry: PlatformSchemaTests.registry, options: options)
        #expect(together.count == files.count)
        for (index, id) in PlatformSchemaTests.serviceIDs.enumerated() {
            let alone = try SchemaValidator(schemaFile: files[index], registry: PlatformSchemaTests.registry, options: options)
            #expect(together[index].schemaURI == alone.schemaURI)
            let sample = try #require(PlatformSchemaTests.samples[id])
            for sections in [sample.valid, sample.broken] {
                let document = try PlatformSchemaTests.sample(id, sections)
                let a = together[index].validate(document.root)
                let b = alone.validate(document.root)
                #expect(a.failures == b.failures, "\(id)")
                #expect(a.annotations == b.annotations, "\(id)")
                #expect(together[index].isValid(document.root) == alone.isValid(document.root))
            }
        }
    }

    @Test("one reference text under two base URIs names each base's own target")
    func referencesResolvePerBase() throws {
        // Both roots write `$ref: "common.json"` and `$ref: "#/$defs/local"`; each must reach
        // the file and the definition beside it, even though one compiler resolves both.
        var registry = SchemaRegistry()
        let documents = [
            ("https://schemas.test/x/root.json", ##"{"properties": {"a": {"$ref": "common.json"}, "b": {"$ref": "#/$defs/local"}}, "$defs": {"local": {"type": "boolean"}}}"##),
            ("https://schemas.test/y/root.json", ##"{"properties": {"a": {"$ref": "common.json"}, "b": {"$ref": "#/$defs/local"}}, "$defs": {"local": {"type": "null"}}}"##),
            ("https://schemas.test/x/common.json", #"{"type": "string"}"#),
            ("https://schemas.test/y/common.json", #"{"type": "integer"}"#),
        ]
        for (uri, text) in documents { try registry.add(bytes: Array(text.utf8), uri: uri) }
        let validators = try SchemaValidator.compile(registeredURIs: [documents[0].0, documents[1].0], registry: registry)
        let x = validators[0], y = validators[1]
        #expect(x.isValid(try SchemaFixtures.value(#"{"a": "text", "b": true}"#)))
        #expect(!x.isValid(try SchemaFixtures.value(#"{"a": 1}"#)))
        #expect(!x.isValid(try SchemaFixtures.value(#"{"b": null}"#)))
        #expect(y.isValid(try SchemaFixtures.value(#"{"a": 1, "b": null}"#)))
        #expect(!y.isValid(try SchemaFixtures.value(#"{"a": "text"}"#)))
        #expect(!y.isValid(try SchemaFixtures.value(#"{"b": true}"#)))
    }
}
