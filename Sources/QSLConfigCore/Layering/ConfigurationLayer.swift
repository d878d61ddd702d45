import OrderedCollections

/// The flattened values of one configuration source (one provider, in ASP.NET's terms): a file,
/// the environment, the command line. Keys are compared ignoring case; within a layer the first
/// spelling of a key is kept and a later assignment replaces only the value.
public struct ConfigurationLayer: Sendable {
    /// A label for messages: the file name, `environment`, `command line`.
    public var name: String
    public private(set) var entries: OrderedDictionary<ConfigKey, ConfigEntry>

    public init(name: String, entries: [ConfigEntry] = []) {
        self.name = name
        self.entries = [:]
        for entry in entries { set(entry) }
    }

    /// Assigns a value, keeping the key's first spelling.
    public mutating func set(_ entry: ConfigEntry) {
        // One hash lookup: store the entry, then give it back the spelling it replaced.
        let (replaced, index) = entries.updateValue(entry, forKey: entry.key, insertingAt: entries.count)
        if let replaced { entries.values[index].key = replaced.key }
    }

    /// Adds `entry` if the layer has no value for its key; otherwise changes nothing and
    /// returns the entry already there. One hash lookup, for readers that refuse duplicates.
    mutating func insertNew(_ entry: ConfigEntry) -> ConfigEntry? {
        let count = entries.count
        let found = entries.updateValue(forKey: entry.key, insertingDefault: entry, at: count) { $0 }
        return entries.count == count ? found : nil
    }

    /// Makes room for `count` entries, so a layer filled in one go is not rehashed as it grows.
    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    public subscript(key: ConfigKey) -> ConfigEntry? { entries[key] }

    /// Number of keys the layer defines.
    public var count: Int { entries.count }

    /// The layer's entries in definition order.
    public var orderedEntries: [ConfigEntry] { Array(entries.values) }

    /// The entries `keep` accepts, as a layer of the same name.
    public func filtered(_ keep: (ConfigKey) -> Bool) -> ConfigurationLayer {
        var layer = ConfigurationLayer(name: name)
        for entry in entries.values where keep(entry.key) { layer.set(entry) }
        return layer
    }
}

extension ConfigurationLayer {
    /// The layer an appsettings file contributes, flattened as ASP.NET's JSON provider does.
    ///
    /// - Throws: A ``Diagnostic`` at the second occurrence of a key path written twice.
    public static func json(_ document: JSONDocument, compatibility: AspNetCompatibility = .default) throws(Diagnostic) -> ConfigurationLayer {
        try JSONFlattener(document: document, compatibility: compatibility).flatten()
    }

    /// The layer environment variables contribute (`AddEnvironmentVariables(prefix)`): `__`
    /// becomes `:`, an optional prefix filters and is removed, and the Azure connection-string
    /// prefixes become `ConnectionStrings:` keys.
    public static func environment(
        _ variables: [String: String],
        prefix: String? = nil,
        compatibility: AspNetCompatibility = .default
    ) -> ConfigurationLayer {
        EnvironmentVariablesSource(prefix: prefix, compatibility: compatibility).layer(from: variables)
    }

    /// The layer command-line arguments contribute (`AddCommandLine(args, switchMappings)`).
    ///
    /// - Throws: A ``Diagnostic`` for an unmapped short switch with a value, or invalid mappings.
    public static func commandLine(_ arguments: [String], switchMappings: [String: String]? = nil) throws(Diagnostic) -> ConfigurationLayer {
        try CommandLineSource(switchMappings: switchMappings).layer(from: arguments)
    }
}

/// Flattens a document into `Section:Key` paths with ASP.NET's duplicate-key rule: a scalar
/// written to a path that already holds a value is an error; an empty object or array written
/// later silently replaces it.
struct JSONFlattener {
    let document: JSONDocument
    let compatibility: AspNetCompatibility
    var layer: ConfigurationLayer

    init(document: JSONDocument, compatibility: AspNetCompatibility) {
        self.document = document
        self.compatibility = compatibility
        self.layer = ConfigurationLayer(name: document.file)
    }

    consuming func flatten() throws(Diagnostic) -> ConfigurationLayer {
        // At most one entry per value of the document: the layer is sized once.
        layer.reserveCapacity(document.valueCount)
        for member in document.root.children {
            let name = member.key ?? ""
            try visit(member, path: name, folded: ConfigKey.fold(name))
        }
        return layer
    }

    /// Visits `value` at `path`, whose folded form is `folded` (each member name is folded once,
    /// not every path it begins).
    private mutating func visit(_ value: JSONValue, path: String, folded: String) throws(Diagnostic) {
        switch value.kind {
        case .object:
            if value.count == 0 {
                layer.set(ConfigEntry(key: ConfigKey(spelling: path, folded: folded), value: nil, origin: ValueOrigin(.file(value))))
                return
            }
            for member in value.children {
                let name = member.key ?? ""
                try visit(member, path: path + ":" + name, folded: folded + ":" + ConfigKey.fold(name))
            }
        case .array:
            if value.count == 0 {
                layer.set(ConfigEntry(key: ConfigKey(spelling: path, folded: folded), value: compatibility.emptyArrayValue, origin: ValueOrigin(.file(value))))
                return
            }
            var position = 0
            for element in value.children {
                let index = String(position)
                try visit(element, path: path + ":" + index, folded: folded + ":" + index)
                position += 1
            }
        case .string, .number, .true, .false, .null:
            let key = ConfigKey(spelling: path, folded: folded)
            let text = value.kind == .null ? compatibility.jsonNullValue : value.scalarText
            if let earlier = layer.insertNew(ConfigEntry(key: key, value: text, origin: ValueOrigin(.file(value)))) {
                let first = earlier.origin.keyLocation.map { " (first defined at line \($0.line), column \($0.column))" } ?? ""
                throw Diagnostic(
                    at: value.keyLocation ?? value.location,
                    "duplicate key '\(path)': this file already defines it\(first); keys are compared ignoring case",
                    rule: "duplicate-key", keyPath: path)
            }
        }
    }
}

/// The path-level duplicate check the reader runs on documents its per-object check cannot
/// settle (names holding `:`, section names written twice).
enum DuplicateKeyCheck {
    static func run(on document: JSONDocument) throws(Diagnostic) {
        _ = try JSONFlattener(document: document, compatibility: .default).flatten()
    }
}
