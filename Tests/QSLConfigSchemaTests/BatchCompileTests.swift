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
}
