/// One flattened configuration value: its key path, its value (`nil` is a defined key with a
/// null value) and where it came from.
public struct ConfigEntry: Sendable {
    public var key: ConfigKey
    public var value: String?
    public var origin: ValueOrigin

    public init(key: ConfigKey, value: String?, origin: ValueOrigin) {
        self.key = key
        self.value = value
        self.origin = origin
    }
}
