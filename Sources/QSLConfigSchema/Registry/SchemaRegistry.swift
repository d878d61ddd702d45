import QSLConfigCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The schema documents `$ref`, `$dynamicRef` and `$schema` can reach, by URI. Nothing is ever
/// fetched from the network: a reference resolves to a document added here or fails to compile.
///
/// The official draft-07 and 2020-12 meta-schemas (with the 2020-12 vocabularies) are built in.
/// A document is found by the URI it was added under and by its root `$id`; identifiers of
/// embedded resources are found once the document is indexed during compilation.
///
/// ```swift
/// var registry = SchemaRegistry()
/// try registry.addDirectory(atPath: "schemas")           // every *.json below, by file:// URI and $id
/// let validator = try SchemaValidator(schemaFile: "schemas/services/userservice.schema.json", registry: registry)
/// ```
public struct SchemaRegistry: Sendable {
    struct Document: Sendable {
        /// The URI the document was added under (its retrieval URI).
        var uri: String
        /// The draft to read it with when it declares no `$schema`; `nil` to inherit the draft of
        /// the schema that refers to it.
        var draft: SchemaDraft?
        /// The parsed document; `nil` for a built-in meta-schema, parsed when first read.
        private var parsed: JSONTree?
        private var bundledIndex = 0

        var root: JSONTree { parsed ?? BundledMetaschemas.tree(bundledIndex) }

        init(uri: String, root: JSONTree, draft: SchemaDraft?) {
            self.uri = uri
            self.parsed = root
            self.draft = draft
        }

        /// The built-in meta-schema at `index` of ``BundledMetaschemas/documents``.
        init(bundled index: Int) {
            self.uri = BundledMetaschemas.documents[index].uri
            self.bundledIndex = index
        }
    }

    /// Documents by retrieval URI, fragment removed.
    private(set) var documents: [String: Document] = [:]
    /// Root `$id`s (resolved) to retrieval URIs.
    private var aliases: [String: String] = [:]
    /// Retrieval URIs in the order documents were added, so indexing order is deterministic.
    private(set) var order: [String] = []

    /// A registry holding the built-in meta-schemas.
    public init() {
        // The built-in meta-schemas are registered unparsed: a schema that names a standard
        // draft in `$schema` never reads them, so most registries never parse one. Each is
        // registered under its `$id`, so no alias is needed (a test holds the table to that).
        documents.reserveCapacity(BundledMetaschemas.documents.count)
        for index in BundledMetaschemas.documents.indices {
            let document = Document(bundled: index)
            order.append(document.uri)
            documents[document.uri] = document
        }
    }

    /// Adds a schema document under `uri` (an absolute URI; a fragment is ignored).
    ///
    /// - Parameters:
    ///   - schema: The document's root value.
    ///   - uri: The URI references use to reach it (`http://localhost:1234/integer.json`).
    ///   - draft: The draft to read it with when it has no `$schema`; `nil` to follow the schema
    ///     that refers to it.
    public mutating func add(_ schema: JSONValue, uri: String, draft: SchemaDraft? = nil) {
        insert(Document(uri: URIReference(uri).withoutFragment, root: JSONTree(schema), draft: draft))
    }

    /// Parses `bytes` (any JSON value, comments allowed) and adds the document under `uri`.
    ///
    /// - Throws: ``SchemaError`` of kind ``SchemaError/Kind/unreadableDocument`` when the bytes
    ///   are not JSON.
    public mutating func add(bytes: [UInt8], uri: String, file: String? = nil, draft: SchemaDraft? = nil) throws(SchemaError) {
        let value: JSONValue
        do {
            value = try SchemaJSON.parse(bytes: bytes, file: file ?? uri)
        } catch {
            throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
        }
        add(value, uri: uri, draft: draft)
    }

    /// Reads a schema file and adds it under `uri`, by default its `file://` URI, so relative
    /// `$ref`s between files resolve as they do on disk.
    ///
    /// - Returns: The URI the document was added under.
    @discardableResult
    public mutating func addFile(atPath path: String, uri: String? = nil, draft: SchemaDraft? = nil) throws(SchemaError) -> String {
        let value: JSONValue
        do {
            value = try SchemaJSON.parse(contentsOfFile: path)
        } catch {
            throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
        }
        let documentURI = uri ?? SchemaRegistry.fileURI(forPath: path)
        add(value, uri: documentURI, draft: draft)
        return documentURI
    }

    /// Adds every `*.json` file below `path`. With `baseURI`, a file at `a/b.json` is added as
    /// `baseURI + "a/b.json"` (the JSON Schema Test Suite serves `remotes/` as
    /// `http://localhost:1234/`); without, under its `file://` URI.
    ///
    /// - Parameter include: Decides per relative path whether the file is added.
    public mutating func addDirectory(
        atPath path: String, baseURI: String? = nil, draft: SchemaDraft? = nil,
        include: (String) -> Bool = { _ in true }
    ) throws(SchemaError) {
        for relative in SchemaRegistry.jsonFiles(under: path) where include(relative) {
            let file = path.hasSuffix("/") ? path + relative : path + "/" + relative
            try addFile(atPath: file, uri: baseURI.map { $0 + relative }, draft: draft)
        }
    }

    func document(for uri: String) -> Document? {
        let key = URIReference(uri).withoutFragment
        if let document = documents[key] { return document }
        if let target = aliases[key] { return documents[target] }
        return nil
    }

    private mutating func insert(_ document: Document) {
        if documents[document.uri] == nil { order.append(document.uri) }
        documents[document.uri] = document
        // A root $id makes the document reachable by that URI too (draft-07 ignores an $id
        // beside $ref).
        if let id = document.root["$id"]?.string, !(document.draft == .draft7 && document.root["$ref"] != nil) {
            let resolved = URIReference.resolve(id, against: document.uri)
            if resolved.isAbsolute {
                let key = resolved.withoutFragment
                if key != document.uri { aliases[key] = document.uri }
            }
        }
    }

    /// `file://` URI of a path, made absolute against the working directory.
    static func fileURI(forPath path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            let cwd: String? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 4096) { buffer in
                getcwd(buffer.baseAddress, buffer.count) == nil ? nil : String(cString: buffer.baseAddress!)
            }
            if let cwd { absolute = cwd + "/" + path }
        }
        // Letters, digits and the characters a path segment may hold unescaped stay; every
        // other byte (spaces, `%`, `#`, `?`, non-ASCII UTF-8) is percent-encoded.
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(absolute.utf8.count + 16)
        for byte in absolute.utf8 {
            if fileURIKeeps(byte) {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return "file://" + URIReference.removeDotSegments(String(decoding: encoded, as: UTF8.self))
    }

    /// Whether a byte of a path stays as it is in a `file://` URI: ASCII letters and digits and
    /// `-._~/!$&'()*+,;=:@`.
    private static func fileURIKeeps(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","),
            UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default: false
        }
    }

    /// Relative paths of the `*.json` files below `root`, sorted.
    static func jsonFiles(under root: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let directory = relative.isEmpty ? root : root + "/" + relative
            guard let handle = opendir(directory) else { return }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                    pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard stat(root + "/" + child, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    walk(child)
                } else if name.hasSuffix(".json") {
                    found.append(child)
                }
            }
        }
        walk("")
        return found.sorted()
    }
}
