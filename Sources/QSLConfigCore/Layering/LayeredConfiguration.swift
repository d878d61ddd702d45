import OrderedCollections

/// Layers merged the way `ConfigurationRoot` merges providers: a later layer wins key by key,
/// arrays merge index by index, and a layer cannot delete a key (a `null` only sets that path).
///
/// ```swift
/// var configuration = LayeredConfiguration()
/// configuration.add(try .json(base))
/// configuration.add(try .json(production))
/// configuration.add(.environment(ProcessInfo.processInfo.environment))
/// let port = configuration["Kestrel:Port"]
/// ```
public struct LayeredConfiguration: Sendable {
    public private(set) var layers: [ConfigurationLayer]
    /// The winning entry of every key, in first-definition order.
    public private(set) var merged: OrderedDictionary<ConfigKey, ConfigEntry>

    public init(layers: [ConfigurationLayer] = []) {
        self.layers = []
        self.merged = [:]
        self.layers.reserveCapacity(layers.count)
        for layer in layers { add(layer) }
    }

    /// Adds a layer above the existing ones.
    public mutating func add(_ layer: ConfigurationLayer) {
        layers.append(layer)
        // The first layer is the merged configuration as it stands: share its storage.
        guard !merged.isEmpty else {
            merged = layer.entries
            return
        }
        for (key, entry) in layer.entries {
            merged[key] = entry
        }
    }

    /// The value of `key`; `.some(nil)` when the key is defined with a null value, `nil` when it
    /// is not defined.
    public subscript(key: ConfigKey) -> String?? {
        guard let entry = merged[key] else { return nil }
        return .some(entry.value)
    }

    /// The winning entry for `key`.
    public func entry(_ key: ConfigKey) -> ConfigEntry? { merged[key] }

    /// Every defined key with its winning entry, sorted in ASP.NET's key order.
    public var sortedEntries: [ConfigEntry] {
        merged.values.sorted { $0.key < $1.key }
    }

    /// The flat `key → value` view, as `IConfiguration.AsEnumerable()` lists leaf values.
    public var flattened: [ConfigKey: String?] {
        var result: [ConfigKey: String?] = [:]
        for (key, entry) in merged { result[key] = .some(entry.value) }
        return result
    }
}
