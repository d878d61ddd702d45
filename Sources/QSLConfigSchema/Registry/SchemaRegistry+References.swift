import QSLConfigCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SchemaRegistry {
    /// Adds a schema file and, transitively, every local file its `$ref`s name relative to the
    /// file's own location (`"$ref": "../appsettings.shared.schema.json#/$defs/secret"`), each
    /// under its `file://` URI. References to other schemes are left to documents already in the
    /// registry; nothing is fetched from the network. A referenced file already in the registry
    /// under its `file://` URI is not read again (nor are the files it refers to).
    ///
    /// With `confinedTo`, a referenced file must lie inside one of those folders once every
    /// symbolic link is resolved: a schema cannot make the validator read (and quote in its
    /// errors) a file elsewhere, such as a key file or `/etc/passwd`. The first file itself is
    /// the caller's choice and is not checked.
    ///
    /// - Parameters:
    ///   - path: The schema file.
    ///   - confinedTo: The folders referenced files must lie in; `nil` for no limit.
    /// - Returns: The URI the first file was added under.
    /// - Throws: ``SchemaError`` of kind ``SchemaError/Kind/unreadableDocument`` for a file that
    ///   cannot be read or parsed, ``SchemaError/Kind/unresolvableReference`` for a relative
    ///   reference to a file that does not exist, and ``SchemaError/Kind/referenceOutsideRoot``
    ///   (at the `$ref`) for one outside `confinedTo`; nothing of that file is read.
    @discardableResult
    public mutating func addFileWithReferences(atPath path: String, confinedTo folders: [String]? = nil) throws(SchemaError) -> String {
        let allowed = folders?.map { SchemaFileConfinement(folder: $0) }
        let uri = SchemaRegistry.fileURI(forPath: path)
        var pending = [(uri: uri, path: path)]
        var visited: Set<String> = []
        while let next = pending.popLast() {
            guard visited.insert(next.uri).inserted else { continue }
            let value = try Self.parse(next.path)
            add(value, uri: next.uri)
            // A document repeats its references (a shared definition for every secret key), and
            // many name the same file: each file is checked once per document, at its first
            // reference.
            // A reference names a file by its path relative to the file it is written in (the
            // schemas' `$id`s mirror their folders); what it resolves to under the `$id` in force
            // tells whether it may be a resource of this document or of the registry instead.
            let (references, embedded) = Self.references(in: value, base: next.uri)
            var seenFiles: Set<String> = []
            for reference in references {
                // A resource the document embeds under an `$id` of its own is not a file to read.
                guard !embedded.contains(reference.target.withoutFragment) else { continue }
                let target = reference.base == next.uri ? reference.target : URIReference.resolve(reference.text, against: next.uri)
                guard target.scheme == "file", target.authority == nil || target.authority == "" else { continue }
                let targetURI = target.withoutFragment
                guard seenFiles.insert(targetURI).inserted else { continue }
                // A file already registered under this URI is not read again.
                guard !visited.contains(targetURI), document(for: targetURI)?.uri != targetURI else { continue }
                let targetPath = PercentDecoding.lenientText(target.path)
                guard FileBytes.exists(targetPath) else {
                    // Under an `$id` that is not a file, the reference may name a resource the
                    // registry holds: the compiler says so if it does not.
                    guard reference.target.scheme == "file" else { continue }
                    throw SchemaError(
                        .unresolvableReference,
                        "\"$ref\": \"\(reference.text)\" names the file \(targetPath), which does not exist",
                        sourceLocation: reference.value.location)
                }
                if let allowed, !allowed.contains(where: { $0.contains(targetPath) }) {
                    let names = allowed.map(\.displayName).joined(separator: " or ")
                    throw SchemaError(
                        .referenceOutsideRoot,
                        "\"$ref\": \"\(reference.text)\" names the file \(targetPath), which is outside \(names); a schema may only refer to files there",
                        sourceLocation: reference.value.location)
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

    /// Every `$ref` string below `value` that points outside its document, resolved against the
    /// base URI in force where it is written (the file's, or the closest enclosing `$id`), with
    /// its value (whose position is worked out only for an error); and the URIs of the resources
    /// the document embeds under `$id`s of its own.
    ///
    /// Values that are data, not schemas (`const`, `enum`, `default`, `examples`), are not
    /// searched: a `"$ref"` member there is an instance's, not a reference.
    private static func references(in value: JSONValue, base: String) -> (
        references: [(text: String, base: String, target: URIReference, value: JSONValue)], embedded: Set<String>
    ) {
        var found: [(String, String, URIReference, JSONValue)] = []
        // A document repeats its references: each text is resolved once per base, at its first.
        var seen: Set<String> = []
        var embedded: Set<String> = []
        // `isSchema`: `node` is a schema, whose members are keywords; otherwise it is a map of
        // names to schemas (`properties`, `$defs`), where `default` may be a property's name.
        func walk(_ node: JSONValue, base: String, isSchema: Bool) {
            var base = base
            if isSchema, node.kind == .object, let id = node["$id"]?.stringValue {
                base = URIReference.resolve(id, against: base).withoutFragment
                embedded.insert(base)
            }
            for child in node.children {
                let key = child.key ?? ""
                if isSchema, key == "$ref", let text = child.stringValue {
                    if !text.hasPrefix("#"), seen.insert(base + "\u{0}" + text).inserted {
                        found.append((text, base, URIReference.resolve(text, against: base), child))
                    }
                } else if child.kind.isContainer, !(isSchema && node.kind == .object && dataKeywords.contains(key)) {
                    walk(child, base: base, isSchema: !(isSchema && node.kind == .object && mapKeywords.contains(key)))
                }
            }
        }
        walk(value, base: base, isSchema: true)
        // The document itself is read under its file's URI, not embedded in it.
        embedded.remove(base)
        return (found, embedded)
    }

    /// Keywords whose values are instances, never schemas.
    private static let dataKeywords: Set<String> = ["const", "enum", "default", "examples"]
    /// Keywords whose values map names to schemas.
    private static let mapKeywords: Set<String> = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"]

}

/// A folder schema references must stay in, compared after resolving symbolic links, so neither
/// `..` nor a link inside the folder leads out of it.
struct SchemaFileConfinement: Sendable {
    /// The folder as the caller named it, for messages.
    let displayName: String
    /// Its canonical path, `nil` when it does not exist (then nothing is inside it).
    let canonical: String?

    init(folder: String) {
        displayName = folder
        canonical = AtomicFile.realPath(folder)
    }

    /// Whether `path` (an existing file) lies inside the folder.
    func contains(_ path: String) -> Bool {
        guard let canonical, let target = AtomicFile.realPath(path) else { return false }
        return canonical == "/" || target.hasPrefix(canonical + "/")
    }

}
