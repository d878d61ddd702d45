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
        var roots: [(root: JSONTree, uri: String, draft: SchemaDraft?)] = []
        for path in paths {
            let value: JSONValue
            do {
                value = try SchemaJSON.parse(contentsOfFile: path)
            } catch {
                throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
            }
            roots.append((JSONTree(value), URIReference(SchemaRegistry.fileURI(forPath: path)).withoutFragment, nil))
        }
        let programs = try SchemaCompiler.compile(roots: roots, registry: registry, options: options)
        return zip(programs, roots).map { SchemaValidator(program: $0, options: options, schemaURI: $1.uri) }
    }

    /// Compiles several documents the registry already holds, sharing what they have in common,
    /// without reading any file again: the URIs ``SchemaRegistry/addFileWithReferences(atPath:)``
    /// returned, say. Each validator behaves exactly as ``init(registeredURI:registry:options:)``
    /// would build it.
    ///
    /// ```swift
    /// var registry = SchemaRegistry()
    /// let uris = try files.map { try registry.addFileWithReferences(atPath: $0) }
    /// let validators = try SchemaValidator.compile(registeredURIs: uris, registry: registry)
    /// ```
    ///
    /// - Returns: One validator per URI, in order.
    /// - Throws: ``SchemaError`` for a URI the registry does not hold, or the first document that
    ///   cannot be compiled.
    public static func compile(
        registeredURIs uris: [String], registry: SchemaRegistry, options: SchemaValidationOptions = SchemaValidationOptions()
    ) throws(SchemaError) -> [SchemaValidator] {
        var roots: [(root: JSONTree, uri: String, draft: SchemaDraft?)] = []
        var optionsPerRoot: [SchemaValidationOptions] = []
        for uri in uris {
            guard let document = registry.document(for: uri) else {
                throw SchemaError(.unresolvableReference, "no schema is registered as \(uri)")
            }
            var own = options
            if let draft = document.draft, document.root["$schema"] == nil { own.defaultDraft = draft }
            roots.append((document.root, document.uri, document.draft))
            optionsPerRoot.append(own)
        }
        let programs = try SchemaCompiler.compile(roots: roots, registry: registry, options: options)
        return programs.indices.map { SchemaValidator(program: programs[$0], options: optionsPerRoot[$0], schemaURI: roots[$0].uri) }
    }

    init(program: CompiledSchema, options: SchemaValidationOptions, schemaURI: String) {
        self.program = program
        self.options = options
        self.schemaURI = schemaURI
    }
}
