import OrderedCollections
import QSLConfig
import QSLConfigCore
import QSLConfigSchema

/// A service's merged configuration as the JSON tree its schema describes, for the schema
/// validator: sections are objects, sections whose children are all indices are arrays, and
/// every leaf is the winning value of its key.
///
/// A leaf from a file is that file's JSON value, so a number stays a number and a failure points
/// at the layer that supplied it; a leaf from an environment file is a string at its line and
/// column. A section points at the highest-priority file that writes it.
struct ConfigurationTree: Sendable {
    /// The tree as the validator reads it (``SchemaValidator/validate(_:)-(ComposedInstance)``
    /// is specialised for this type).
    let instance: ComposedInstance
}

extension ConfigurationTree {
    /// Builds the tree of `configuration`'s winning entries.
    ///
    /// - Parameters:
    ///   - sectionLocations: Where each section (folded key path) is written, highest layer last.
    ///   - rootLocation: Where the root object is (the service's own `appsettings.json`).
    init(_ configuration: LayeredConfiguration, sectionLocations: [String: SourceLocation], rootLocation: SourceLocation?) {
        let root = Builder(path: "")
        // The sections of the previous key, by depth: keys come grouped by section, so most
        // segments are the previous key's and are matched here without a hash look-up.
        var previous: [(folded: Substring, node: Builder)] = []
        for entry in configuration.merged.values {
            // The spelling and the folded key split at the same colons (folding maps scalar by
            // scalar, and nothing folds to or from `:`), so both are walked in step: each
            // segment's folded name is a slice of the folded key, with nothing split or re-folded.
            let spellingText = entry.key.spelling, foldedText = entry.key.folded
            let spelling = spellingText.utf8, folded = foldedText.utf8
            var s = spelling.startIndex, f = folded.startIndex
            var node = root
            var depth = 0
            while true {
                let sEnd = ConfigKey.segmentEnd(in: spellingText, from: s)
                let fEnd = ConfigKey.segmentEnd(in: foldedText, from: f)
                let segment = Substring(folded[f..<fEnd])
                if depth < previous.count && previous[depth].folded == segment {
                    node = previous[depth].node
                } else {
                    if depth < previous.count { previous.removeSubrange(depth...) }
                    node = node.child(spelling: Substring(spelling[s..<sEnd]), folded: segment)
                    previous.append((segment, node))
                }
                depth += 1
                guard sEnd != spelling.endIndex else { break }
                s = spelling.index(after: sEnd)
                f = folded.index(after: fEnd)
            }
            node.entry = entry
        }
        self.instance = root.tree(sectionLocations: sectionLocations, location: rootLocation).tree
    }

    /// Keys with more segments are refused before a tree is built from them (ASP.NET sets no
    /// limit, but the reader caps JSON nesting at 64 and no configuration comes near this):
    /// the tree, the validator and the policies all walk a key segment by segment.
    static let maxKeySegments = 256

    /// One error for each key of `layer` with more than ``maxKeySegments`` segments.
    static func overlongKeys(in layer: ConfigurationLayer) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for (key, entry) in layer.entries {
            let segments = key.spelling.utf8.count(where: { $0 == UInt8(ascii: ":") }) + 1
            guard segments > maxKeySegments else { continue }
            let shown = key.segments.prefix(4).joined(separator: ":")
            found.append(
                Diagnostic(
                    at: entry.origin.keyLocation,
                    "the key '\(shown):…' has \(segments) segments; a configuration key may have at most \(maxKeySegments)",
                    rule: "too-deep"))
        }
        return found
    }

    /// One node while the tree is built: its children by folded name, first spelling kept.
    final class Builder {
        /// The folded key path of the section this node is (`LOGGING:LOGLEVEL`).
        let path: String
        var children: OrderedDictionary<Substring, (spelling: String, node: Builder)> = [:]
        var entry: ConfigEntry?

        init(path: String) { self.path = path }

        /// The child named `folded`, spelled `spelling` if it is new. Its path is joined once,
        /// when it is made; below an empty path (the root's, or an empty name's, as
        /// ``sectionLocations(of:layer:into:)`` joins them) it is the name alone.
        func child(spelling: Substring, folded: Substring) -> Builder {
            if let existing = children[folded] { return existing.node }
            let node = Builder(path: path.isEmpty ? String(folded) : path + ":" + folded)
            children[folded] = (String(spelling), node)
            return node
        }

        /// The subtree below this node, and the position of the first value in it: a section no
        /// file writes as such (a key `A:B` makes section `A`) is placed there.
        func tree(sectionLocations: [String: SourceLocation], location: SourceLocation?) -> (tree: ComposedInstance, first: SourceLocation?) {
            // A key that is both a value and a section (an empty `{}` below, children above)
            // is a section, as ASP.NET's binder sees it.
            guard !children.isEmpty else {
                guard let entry else { return (.object([], location: location), nil) }
                if case .file(let value) = entry.origin.source {
                    // A JSON null the compatibility reads as a string (.NET 9 reads it as "") is
                    // that string to the schema, as the binder sees it.
                    if value.kind == .null, let text = entry.value { return (ComposedInstance(text: text, location: value.location), entry.origin.keyLocation) }
                    return (ComposedInstance(value), entry.origin.keyLocation)
                }
                return (ComposedInstance(text: entry.value ?? "", location: entry.origin.location), entry.origin.keyLocation)
            }
            let indices = children.values.map { Self.index($0.spelling) }
            let isArray = indices.allSatisfy { $0 != nil }
            var first = entry?.origin.keyLocation
            var members: [(key: String, value: ComposedInstance)] = []
            members.reserveCapacity(children.count)
            for child in children.values {
                let (subtree, childFirst) = child.node.tree(sectionLocations: sectionLocations, location: sectionLocations[child.node.path])
                first = first ?? childFirst
                members.append((child.spelling, subtree))
            }
            if isArray {
                let elements = zip(indices, members).sorted { $0.0! < $1.0! }.map(\.1.value)
                return (.array(elements, location: location ?? first), first)
            }
            return (.object(members, location: location ?? first), first)
        }

        /// `0`, `1`, ... (no sign, no leading zeros), as ASP.NET's binder reads array indices.
        static func index(_ segment: String) -> Int? {
            guard let first = segment.utf8.first, segment.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            if first == 0x30 && segment.utf8.count > 1 { return nil }
            return Int(segment)
        }
    }

    /// Where each section of `document` is written, for the sections that hold at least one of
    /// `layer`'s entries (a filtered shared layer contributes only the sections it keeps).
    static func sectionLocations(of document: JSONDocument, layer: ConfigurationLayer, into locations: inout [String: SourceLocation]) {
        // Slices of the keys, not copies: most prefixes are shared by many keys.
        var kept: Set<Substring> = []
        for key in layer.entries.keys {
            // Every proper prefix ending before a `:`; the whole key is a leaf, not a section.
            // (Run for each layer of each service, so it scans in place instead of splitting.)
            let folded = key.folded
            var index = folded.utf8.startIndex
            while true {
                let colon = ConfigKey.segmentEnd(in: folded, from: index)
                guard colon != folded.endIndex else { break }
                kept.insert(folded[..<colon])
                index = folded.utf8.index(after: colon)
            }
        }
        func walk(_ value: JSONValue, path: String) {
            var position = 0
            for child in value.children {
                let name = value.kind == .array ? String(position) : child.key ?? ""
                position += 1
                // Only a container can be a section: a leaf needs no path.
                guard child.kind.isContainer else { continue }
                let childPath = path.isEmpty ? ConfigKey.fold(name) : path + ":" + ConfigKey.fold(name)
                guard kept.contains(Substring(childPath)) else { continue }
                locations[childPath] = child.keyLocation ?? child.location
                walk(child, path: childPath)
            }
        }
        walk(document.root, path: "")
    }
}
