import QSLConfigCore

extension SchemaRegistry {
    /// Adds a schema file and, transitively, every local file its `$ref`s name relative to the
    /// file's own location (`"$ref": "../appsettings.shared.schema.json#/$defs/secret"`), each
    /// under its `file://` URI. References to other schemes are left to documents already in the
    /// registry; nothing is fetched from the network. A referenced file already in the registry
    /// under its `file://` URI is not read again (nor are the files it refers to).
    ///
    /// - Returns: The URI the first file was added under.
    /// - Throws: ``SchemaError`` of kind ``SchemaError/Kind/unreadableDocument`` for a file that
    ///   cannot be read or parsed, and ``SchemaError/Kind/unresolvableReference`` for a relative
    ///   reference to a file that does not exist.
    @discardableResult
    public mutating func addFileWithReferences(atPath path: String) throws(SchemaError) -> String {
        let uri = SchemaRegistry.fileURI(forPath: path)
        var pending = [(uri: uri, path: path)]
        var visited: Set<String> = []
        while let next = pending.popLast() {
            guard visited.insert(next.uri).inserted else { continue }
            let value = try Self.parse(next.path)
            add(value, uri: next.uri)
            for reference in Self.references(in: value) {
                let target = URIReference.resolve(reference.text, against: next.uri)
                guard target.scheme == "file", target.authority == nil || target.authority == "" else { continue }
                let targetURI = target.withoutFragment
                // A file already registered under this URI is not read again.
                guard !visited.contains(targetURI), document(for: targetURI)?.uri != targetURI else { continue }
                let targetPath = SchemaCompiler.percentDecoded(target.path)
                guard FileBytes.exists(targetPath) else {
                    throw SchemaError(
                        .unresolvableReference,
                        "\"$ref\": \"\(reference.text)\" names the file \(targetPath), which does not exist",
                        sourceLocation: reference.location)
                }
                pending.append((targetURI, targetPath))
            }
        }
        return uri
    }

    private static func parse(_ path: String) throws(SchemaError) -> JSONValue {
        do {
            return try SchemaJSON.parse(contentsOfFile: path)
        } catch {
            throw SchemaError(.unreadableDocument, error.message, sourceLocation: error.location)
        }
    }

    /// Every `$ref` string below `value` that points outside its document.
    private static func references(in value: JSONValue) -> [(text: String, location: SourceLocation)] {
        var found: [(String, SourceLocation)] = []
        func walk(_ node: JSONValue) {
            for child in node.children {
                if child.key == "$ref", let text = child.stringValue {
                    if !text.hasPrefix("#") { found.append((text, child.location)) }
                } else if child.kind.isContainer {
                    walk(child)
                }
            }
        }
        walk(value)
        return found
    }

}
