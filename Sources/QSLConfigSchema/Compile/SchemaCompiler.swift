import QSLConfigCore

/// Turns a schema document (and whatever it references in the registry) into a
/// ``CompiledSchema``.
///
/// Compilation runs in two interleaved steps. *Indexing* walks a document as a schema, working
/// out each subschema's base URI and dialect and recording every `$id`, `$anchor` and
/// `$dynamicAnchor`; documents are indexed when first reached. *Building* turns the subschema at
/// a location into a node, resolving references to locations and queueing those in turn;
/// a location already queued is reused, which is how recursion terminates. The queue, not the
/// call stack, holds what is left to build, so no schema can exhaust the stack.
struct SchemaCompiler {
    /// A location in a loaded document: the document's index and an escaped JSON pointer.
    struct Position: Hashable {
        var document: Int
        var pointer: String
    }

    /// What indexing learnt about a subschema.
    struct LocationInfo {
        /// The URI of the schema resource the subschema belongs to (its base URI).
        var base: String
        /// The pointer of that resource's root within the document.
        var resourceRoot: String
        var dialect: Dialect
    }

    let registry: SchemaRegistry
    let options: SchemaValidationOptions

    private(set) var documents: [JSONTree] = []
    private var documentByURI: [String: Int] = [:]
    private var registryFullyLoaded = false

    var info: [Position: LocationInfo] = [:]
    var resourceByURI: [String: Position] = [:]
    var anchors: [String: Position] = [:]
    var dynamicAnchorsByResource: [String: [String: Position]] = [:]
    private var dialectCache: [String: Dialect] = [:]

    var nodes: [SchemaNode] = []
    var nodeByPosition: [Position: Int] = [:]
    var resources: [SchemaResource] = []
    var resourceIndex: [String: Int] = [:]
    var patternCache: [String: SchemaPattern] = [:]
    /// ``resolve(_:from:at:)``'s results.
    private var resolutions: [ResolutionKey: (Position, resource: String, fragment: String)] = [:]

    struct ResolutionKey: Hashable {
        var base: String
        var reference: String
    }
    /// Nodes handed out by ``node(at:)`` whose keywords are not built yet.
    var pending: [(id: Int, resource: Int, builder: NodeBuilder)] = []

    init(registry: SchemaRegistry, options: SchemaValidationOptions) {
        self.registry = registry
        self.options = options
    }

    /// Compiles `root`, reached as `uri`.
    static func compile(root: JSONTree, uri: String, registry: SchemaRegistry, options: SchemaValidationOptions) throws(SchemaError) -> CompiledSchema {
        try compile(roots: [(root, uri, nil)], registry: registry, options: options)[0]
    }

    /// Compiles several roots with one compiler, so the subschemas they share (a common
    /// document they all refer to) are compiled once; each program holds every node. A root's
    /// `draft` applies when it declares no `$schema` (``SchemaRegistry`` documents carry one).
    static func compile(
        roots: [(root: JSONTree, uri: String, draft: SchemaDraft?)], registry: SchemaRegistry, options: SchemaValidationOptions
    ) throws(SchemaError) -> [CompiledSchema] {
        var compiler = SchemaCompiler(registry: registry, options: options)
        var rootNodes: [Int] = []
        for (root, uri, draft) in roots {
            let document = try compiler.load(root, uri: uri, declaredDraft: draft, inherited: Dialect.standard(options.defaultDraft))
            rootNodes.append(try compiler.node(at: Position(document: document, pointer: "")))
        }
        try compiler.buildPending()
        try compiler.compileDynamicAnchors()
        compiler.markSecretValues(in: try compiler.checkInPlaceCycles())
        compiler.markSecretReach()
        return rootNodes.map { CompiledSchema(nodes: compiler.nodes, root: $0, resources: compiler.resources) }
    }

    // MARK: Documents

    /// Adds a document and indexes it.
    mutating func load(_ root: JSONTree, uri: String, declaredDraft: SchemaDraft?, inherited: Dialect) throws(SchemaError) -> Int {
        if let existing = documentByURI[uri] { return existing }
        let id = documents.count
        documents.append(root)
        documentByURI[uri] = id
        var dialect = declaredDraft.map(Dialect.standard) ?? inherited
        if let declared = root["$schema"]?.string {
            dialect = try self.dialect(forMetaschema: declared, location: uri)
        }
        resourceByURI[uri] = resourceByURI[uri] ?? Position(document: id, pointer: "")
        try index(root, at: Position(document: id, pointer: ""), base: uri, resourceRoot: "", dialect: dialect)
        return id
    }

    /// The position of the resource `uri` (no fragment), loading registry documents as needed.
    mutating func resource(_ uri: String, inherited: Dialect) throws(SchemaError) -> Position? {
        if let position = resourceByURI[uri] { return position }
        if let document = registry.document(for: uri) {
            _ = try load(document.root, uri: document.uri, declaredDraft: document.draft, inherited: inherited)
            if let position = resourceByURI[uri] { return position }
        }
        if !registryFullyLoaded {
            // The URI may be the $id of a resource embedded in a document not reached yet.
            // Documents this validator cannot read (another draft's) are skipped: they are not
            // what the reference asked for.
            registryFullyLoaded = true
            for key in registry.order {
                guard let document = registry.documents[key] else { continue }
                do {
                    _ = try load(document.root, uri: document.uri, declaredDraft: document.draft, inherited: inherited)
                } catch {
                    continue
                }
            }
            return resourceByURI[uri]
        }
        return nil
    }

    func tree(at position: Position) -> JSONTree? {
        guard let tokens = JSONPointer.tokens(position.pointer) else { return nil }
        return documents[position.document].descend(tokens)
    }

    // MARK: Dialects

    /// The dialect a `$schema` URI selects: a standard meta-schema, or a custom one from the
    /// registry whose `$vocabulary` picks the live vocabularies.
    mutating func dialect(forMetaschema declared: String, location: String, depth: Int = 0) throws(SchemaError) -> Dialect {
        if let draft = SchemaDraft.named(byMetaschema: declared) { return Dialect.standard(draft) }
        if let cached = dialectCache[declared] { return cached }
        let uri = URIReference(declared).withoutFragment
        if SchemaDraft.isUnsupportedDraft(uri) {
            throw SchemaError(.unsupportedDialect, "$schema \(JSONTree.quoted(declared)) names a draft this validator does not implement; use draft-07 or 2020-12", schemaLocation: location)
        }
        guard depth < 8, let document = registry.document(for: uri) else {
            throw SchemaError(.unresolvableReference, "$schema \(JSONTree.quoted(declared)) is not a known meta-schema; add it to the SchemaRegistry", schemaLocation: location)
        }
        var dialect = Dialect.draft2020
        if let parent = document.root["$schema"]?.string, URIReference(parent).withoutFragment != uri {
            dialect = try self.dialect(forMetaschema: parent, location: uri, depth: depth + 1)
        }
        if dialect.draft == .draft2020_12, let vocabulary = document.root["$vocabulary"]?.members {
            var live: Vocabularies = []
            for (name, required) in vocabulary {
                if let known = Vocabularies.named(name) {
                    live.insert(known)
                } else if required.bool == true {
                    throw SchemaError(.unsupportedDialect, "meta-schema \(uri) requires the unknown vocabulary \(name)", schemaLocation: location)
                }
            }
            dialect.vocabularies = live.union(.core)
        }
        dialectCache[declared] = dialect
        return dialect
    }

    // MARK: Indexing

    /// Walks the subschema `tree` at `position`, recording identifiers and location info.
    mutating func index(_ tree: JSONTree, at position: Position, base: String, resourceRoot: String, dialect: Dialect) throws(SchemaError) {
        guard let members = tree.members else {
            if tree.bool != nil, info[position] == nil {
                info[position] = LocationInfo(base: base, resourceRoot: resourceRoot, dialect: dialect)
            }
            return
        }
        if info[position] != nil { return }
        var base = base
        var resourceRoot = resourceRoot
        var dialect = dialect
        let hasRef = tree["$ref"] != nil
        if let id = tree["$id"]?.string, !(dialect.draft == .draft7 && hasRef) {
            if dialect.draft == .draft7 && id.hasPrefix("#") {
                // A draft-07 plain-name fragment $id is a location-independent identifier.
                anchors[base + id] = position
            } else {
                let resolved = URIReference.resolve(id, against: base)
                let newBase = resolved.withoutFragment
                if let fragment = resolved.fragment, !fragment.isEmpty, dialect.draft == .draft7 {
                    anchors[newBase + "#" + fragment] = position
                }
                if resourceByURI[newBase] == nil || position.pointer.isEmpty {
                    resourceByURI[newBase] = position
                }
                base = newBase
                resourceRoot = position.pointer
                if !position.pointer.isEmpty, let declared = tree["$schema"]?.string {
                    dialect = try self.dialect(forMetaschema: declared, location: base)
                }
            }
        }
        if dialect.draft == .draft2020_12 {
            if let anchor = tree["$anchor"]?.string {
                anchors[base + "#" + anchor] = position
            }
            if let anchor = tree["$dynamicAnchor"]?.string {
                anchors[base + "#" + anchor] = anchors[base + "#" + anchor] ?? position
                dynamicAnchorsByResource[base, default: [:]][anchor] = position
            }
        }
        info[position] = LocationInfo(base: base, resourceRoot: resourceRoot, dialect: dialect)

        let shapes = dialect.subschemaKeywords
        for (keyword, value) in members {
            guard let shape = shapes[keyword] else { continue }
            let keywordPointer = JSONPointer.appending(position.pointer, keyword)
            func child(_ token: String) -> Position {
                Position(document: position.document, pointer: JSONPointer.appending(keywordPointer, token))
            }
            switch shape {
            case .single:
                try index(value, at: Position(document: position.document, pointer: keywordPointer), base: base, resourceRoot: resourceRoot, dialect: dialect)
            case .map, .dependencies:
                for (name, subschema) in value.members ?? [] where shape == .map || subschema.elements == nil {
                    try index(subschema, at: child(name), base: base, resourceRoot: resourceRoot, dialect: dialect)
                }
            case .array:
                for (i, subschema) in (value.elements ?? []).enumerated() {
                    try index(subschema, at: child(String(i)), base: base, resourceRoot: resourceRoot, dialect: dialect)
                }
            case .singleOrArray:
                if let elements = value.elements {
                    for (i, subschema) in elements.enumerated() {
                        try index(subschema, at: child(String(i)), base: base, resourceRoot: resourceRoot, dialect: dialect)
                    }
                } else {
                    try index(value, at: Position(document: position.document, pointer: keywordPointer), base: base, resourceRoot: resourceRoot, dialect: dialect)
                }
            }
        }
    }

    /// Location info for any position: a location indexing did not reach (under an unknown
    /// keyword, say) takes its base and dialect from the nearest indexed ancestor, and its own
    /// subtree is indexed then.
    mutating func locationInfo(at position: Position) throws(SchemaError) -> LocationInfo {
        if let known = info[position] { return known }
        var tokens = JSONPointer.tokens(position.pointer) ?? []
        var ancestor: LocationInfo?
        while !tokens.isEmpty {
            tokens.removeLast()
            let pointer = tokens.isEmpty ? "" : "/" + tokens.map(JSONPointer.escape).joined(separator: "/")
            if let found = info[Position(document: position.document, pointer: pointer)] {
                ancestor = found
                break
            }
        }
        let inherited = ancestor ?? LocationInfo(base: "", resourceRoot: "", dialect: Dialect.standard(options.defaultDraft))
        if let tree = tree(at: position) {
            try index(tree, at: position, base: inherited.base, resourceRoot: inherited.resourceRoot, dialect: inherited.dialect)
        }
        return info[position] ?? inherited
    }

    // MARK: References

    /// Resolves a `$ref`/`$dynamicRef` value written in the subschema described by `from`.
    /// `location` names the keyword for an error (`base#/pointer` and the keyword).
    ///
    /// Schemas repeat the same few references many times (a shared `#/$defs/secret` from every
    /// secret key), so a resolution is kept by base URI and reference text: the same text under
    /// the same base always names the same place, once its document is loaded. Failures are
    /// not kept; they end the compilation.
    mutating func resolve(
        _ reference: String, from: LocationInfo, at location: @autoclosure () -> String
    ) throws(SchemaError) -> (Position, resource: String, fragment: String) {
        let key = ResolutionKey(base: from.base, reference: reference)
        if let known = resolutions[key] { return known }
        let found = try resolveUncached(reference, from: from, at: location())
        resolutions[key] = found
        return found
    }

    private mutating func resolveUncached(_ reference: String, from: LocationInfo, at location: String) throws(SchemaError) -> (Position, resource: String, fragment: String) {
        let uri = URIReference.resolve(reference, against: from.base)
        let resourceURI = uri.withoutFragment
        let fragment = PercentDecoding.lenientText(uri.fragment ?? "")
        guard let resource = try resource(resourceURI, inherited: from.dialect) else {
            throw SchemaError(.unresolvableReference, "$ref \(JSONTree.quoted(reference)) resolves to \(resourceURI), which is not in the schema registry", schemaLocation: location)
        }
        if fragment.isEmpty { return (resource, resourceURI, fragment) }
        if fragment.hasPrefix("/") {
            let target = Position(document: resource.document, pointer: resource.pointer + fragment)
            guard tree(at: target) != nil else {
                throw SchemaError(.unresolvableReference, "$ref \(JSONTree.quoted(reference)): no value at #\(fragment) in \(resourceURI)", schemaLocation: location)
            }
            return (target, resourceURI, fragment)
        }
        guard let anchored = anchors[resourceURI + "#" + fragment] else {
            throw SchemaError(.unresolvableReference, "$ref \(JSONTree.quoted(reference)): \(resourceURI) has no anchor named \(JSONTree.quoted(fragment))", schemaLocation: location)
        }
        return (anchored, resourceURI, fragment)
    }

    // MARK: Resources

    mutating func resourceID(for uri: String) -> Int {
        if let id = resourceIndex[uri] { return id }
        let id = resources.count
        resources.append(SchemaResource(uri: uri, dynamicAnchors: [:]))
        resourceIndex[uri] = id
        return id
    }

    /// Builds every `$dynamicAnchor` of every resource that has compiled subschemas: any of them
    /// may be in the dynamic scope when a `$dynamicRef` is evaluated. Building may reach new
    /// resources, hence the loop.
    mutating func compileDynamicAnchors() throws(SchemaError) {
        var next = 0
        while next < resources.count {
            let uri = resources[next].uri
            for (name, position) in (dynamicAnchorsByResource[uri] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let node = try node(at: position)
                resources[next].dynamicAnchors[name] = node
            }
            try buildPending()
            next += 1
        }
    }
}
