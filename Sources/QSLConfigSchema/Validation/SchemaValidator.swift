import QSLConfigCore

/// A JSON Schema (draft 2020-12 or draft-07) compiled once and reusable for any number of
/// instances, from any thread.
///
/// Validation runs over any ``JSONInstance``: a ``JSONValue`` from an appsettings file, or the
/// merged configuration of a service. Every failure carries the instance's `file:line:col`, its
/// JSON pointer, and the keyword's evaluation path and canonical schema location.
///
/// ```swift
/// var registry = SchemaRegistry()
/// try registry.addDirectory(atPath: "schemas")
/// let validator = try SchemaValidator(schemaFile: "schemas/services/userservice.schema.json", registry: registry)
/// let document = try JSONDocument(contentsOfFile: "src/UserService/appsettings.json")
/// let result = validator.validate(document.root)
/// for failure in result.failures { print(failure) }
/// // src/UserService/appsettings.json:12:15: error: "Port" must be an integer, found a string [schema]
/// let secrets = result.annotations(named: "writeOnly").map(\.keyPath)
/// ```
public struct SchemaValidator: Sendable {
    let program: CompiledSchema
    /// The options the validator was compiled with.
    public let options: SchemaValidationOptions
    /// The URI the schema was compiled as (its base URI for relative references).
    public let schemaURI: String

    /// The base URI given to schemas that have neither an `$id` nor a file: relative references
    /// between such schemas still resolve consistently.
    public static let anonymousSchemaURI = "qsl-schema:/anonymous.json"

    /// Compiles `schema`.
    ///
    /// - Parameters:
    ///   - schema: The schema's root value (an object or a boolean).
    ///   - uri: The URI to resolve relative references against; defaults to the schema's `$id`,
    ///     else ``anonymousSchemaURI``.
    ///   - registry: Where `$ref`s to other documents and custom meta-schemas are found.
    ///   - options: Format assertion, string coercion, default draft.
    /// - Throws: ``SchemaError`` for a schema that cannot be compiled.
    public init(
        schema: JSONValue, uri: String? = nil, registry: SchemaRegistry = SchemaRegistry(),
        options: SchemaValidationOptions = SchemaValidationOptions()
    ) throws(SchemaError) {
        try self.init(tree: JSONTree(schema), uri: uri, registry: registry, options: options)
    }

    /// Reads and compiles a schema file; relative references resolve against the file's
    /// location (or its `$id`), so sibling schema files added to `registry` by path are found.
    public init(
        schemaFile path: String, registry: SchemaRegistry = SchemaRegistry(),
        options: SchemaValidationOptions = SchemaValidationOptions()
    ) throws(SchemaError) {
        let value: JSONValue
        do {
            value = try SchemaJSON.parse(contentsOfFile: path)
        } catch {
            throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
        }
        try self.init(tree: JSONTree(value), uri: SchemaRegistry.fileURI(forPath: path), registry: registry, options: options)
    }

    /// Compiles the document the registry holds under `uri` (its retrieval URI or root `$id`).
    public init(registeredURI uri: String, registry: SchemaRegistry, options: SchemaValidationOptions = SchemaValidationOptions()) throws(SchemaError) {
        self = try Self.compile(registeredURIs: [uri], registry: registry, options: options)[0]
    }

    init(tree: JSONTree, uri: String?, registry: SchemaRegistry, options: SchemaValidationOptions) throws(SchemaError) {
        var base = uri ?? SchemaValidator.anonymousSchemaURI
        if uri == nil, let id = tree["$id"]?.string {
            let resolved = URIReference.resolve(id, against: base)
            if resolved.isAbsolute { base = resolved.withoutFragment }
        }
        self.program = try SchemaCompiler.compile(root: tree, uri: URIReference(base).withoutFragment, registry: registry, options: options)
        self.options = options
        self.schemaURI = base
    }

    /// Validates `instance`, collecting every failure and the `writeOnly`, `deprecated` and
    /// `x-qsl-*` annotations of the values checked.
    public func validate(_ instance: some JSONInstance) -> SchemaValidationResult {
        run(instance)
    }

    /// ``validate(_:)`` for the document model, specialised for speed.
    public func validate(_ instance: JSONValue) -> SchemaValidationResult {
        run(instance)
    }

    /// ``validate(_:)`` for a value assembled in memory (a merged configuration), specialised
    /// for speed: the generic entry reaches every member through the protocol's witnesses.
    public func validate(_ instance: ComposedInstance) -> SchemaValidationResult {
        run(instance)
    }

    /// Whether `instance` is valid; stops at the first failure and builds no messages.
    public func isValid(_ instance: some JSONInstance) -> Bool {
        check(instance)
    }

    /// ``isValid(_:)`` for the document model, specialised for speed.
    public func isValid(_ instance: JSONValue) -> Bool {
        check(instance)
    }

    private func run<Instance: JSONInstance>(_ instance: Instance) -> SchemaValidationResult {
        var evaluator = Evaluator<Instance>(program: program, options: options, collecting: true)
        var none: Evaluated?
        _ = evaluator.evaluate(program.root, instance, evaluated: &none)
        var seen: Set<String> = []
        let annotations = evaluator.annotations.filter { annotation in
            seen.insert(annotation.instancePointer + "\u{0}" + annotation.keyword + "\u{0}" + annotation.valueText).inserted
        }
        return SchemaValidationResult(failures: evaluator.failures, annotations: annotations, secretPointers: evaluator.secretPointers)
    }

    private func check<Instance: JSONInstance>(_ instance: Instance) -> Bool {
        var evaluator = Evaluator<Instance>(program: program, options: options, collecting: false)
        var none: Evaluated?
        return evaluator.evaluate(program.root, instance, evaluated: &none)
    }
}
