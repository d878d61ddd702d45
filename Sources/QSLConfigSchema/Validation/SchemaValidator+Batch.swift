import QSLConfigCore

extension SchemaValidator {
    /// Compiles several schema files at once, sharing what they have in common: the platform's
    /// 22 service schemas all refer to the shared appsettings schema, which is then compiled once
    /// instead of 22 times. Each validator behaves exactly as
    /// ``init(schemaFile:registry:options:)`` would build it.
    ///
    /// - Returns: One validator per file, in order.
    /// - Throws: ``SchemaError`` for the first file that cannot be read or compiled.
    public static func compile(
        schemaFiles paths: [String], registry: SchemaRegistry = SchemaRegistry(), options: SchemaValidationOptions = SchemaValidationOptions()
    ) throws(SchemaError) -> [SchemaValidator] {
        var roots: [(root: JSONTree, uri: String)] = []
        for path in paths {
            let value: JSONValue
            do {
                value = try SchemaJSON.parse(contentsOfFile: path)
            } catch {
                throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
            }
            roots.append((JSONTree(value), URIReference(SchemaRegistry.fileURI(forPath: path)).withoutFragment))
        }
        let programs = try SchemaCompiler.compile(roots: roots, registry: registry, options: options)
        return zip(programs, roots).map { SchemaValidator(program: $0, options: options, schemaURI: $1.uri) }
    }

    init(program: CompiledSchema, options: SchemaValidationOptions, schemaURI: String) {
        self.program = program
        self.options = options
        self.schemaURI = schemaURI
    }
}
