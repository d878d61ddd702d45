import QSLConfigCore

/// A service's configuration after layering and reference resolution.
///
/// `description` never shows a secret; read values through the accessors.
///
/// ```swift
/// let configuration = try await ConfigurationLoader().load(options)
/// let port = try configuration.int("Kestrel:Port") ?? 8080
/// print(configuration)   // secrets print as <redacted>
/// ```
public struct ResolvedConfiguration: Sendable, CustomStringConvertible {
    /// Every key, in ASP.NET's key order.
    public let values: [ResolvedValue]

    public init(values: consuming [ResolvedValue]) {
        // Sorted in place (a configuration of many keys is not copied to be sorted) and searched
        // by binary search in that order: no index beside the values, whose memory a
        // configuration of many keys would double.
        var sorted = values
        sorted.sort { $0.key < $1.key }
        self.values = sorted
    }

    public subscript(key: ConfigKey) -> ResolvedValue? { position(of: key).map { values[$0] } }

    /// Whether `key` is defined (possibly with a null value).
    public func contains(_ key: ConfigKey) -> Bool { position(of: key) != nil }

    /// Where `key` is in ``values``: keys equal ignoring case sort together, and of keys given
    /// twice the last wins.
    private func position(of key: ConfigKey) -> Int? {
        func partition(_ belongsBefore: (ConfigKey) -> Bool) -> Int {
            var low = 0
            var high = values.count
            while low < high {
                let middle = (low + high) / 2
                if belongsBefore(values[middle].key) { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let first = partition { $0 < key }
        let end = partition { !(key < $0) }
        return end > first ? end - 1 : nil
    }

    /// The value of `key` as text; `nil` when undefined or null.
    public func string(_ key: ConfigKey) -> String? { self[key]?.unsafeRevealedValue }

    /// The value of `key` wrapped so that it cannot be printed by accident.
    public func secret(_ key: ConfigKey) -> SecretValue? { string(key).map(SecretValue.init) }

    /// The value of `key` as an integer (``ConfigurationScalar/int(_:)``).
    ///
    /// - Throws: ``ConfigurationValueError`` when the value is not an integer.
    public func int(_ key: ConfigKey) throws(ConfigurationValueError) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = ConfigurationScalar.int(text) else { throw ConfigurationValueError(key: key, expected: "an integer", value: self[key]!) }
        return value
    }

    /// The value of `key` as a boolean (``ConfigurationScalar/bool(_:)``).
    public func bool(_ key: ConfigKey) throws(ConfigurationValueError) -> Bool? {
        guard let text = string(key) else { return nil }
        guard let value = ConfigurationScalar.bool(text) else { throw ConfigurationValueError(key: key, expected: "true or false", value: self[key]!) }
        return value
    }

    /// The value of `key` as a floating-point number (``ConfigurationScalar/double(_:)``).
    public func double(_ key: ConfigKey) throws(ConfigurationValueError) -> Double? {
        guard let text = string(key) else { return nil }
        guard let value = ConfigurationScalar.double(text) else { throw ConfigurationValueError(key: key, expected: "a number", value: self[key]!) }
        return value
    }

    /// The keys directly under `section` (`ConnectionStrings` → `postgres-userservice`, ...).
    public func childKeys(of section: ConfigKey) -> [String] {
        let prefix = section.folded + ":"
        var seen: Set<String> = []
        var children: [String] = []
        for value in values where value.key.folded.hasPrefix(prefix) {
            let rest = value.key.spelling.dropFirst(prefix.count)
            let child = String(rest.prefix { $0 != ":" })
            if seen.insert(ConfigKey.fold(child)).inserted { children.append(child) }
        }
        return children
    }

    /// A `key = value` listing with every secret redacted.
    public var description: String {
        values.map { "\($0.key) = \($0.displayValue ?? "null")" }.joined(separator: "\n")
    }
}

/// A value that cannot be read as the type asked for. Names the key and where the value came
/// from, never the value when it is secret.
public struct ConfigurationValueError: Error, Sendable, CustomStringConvertible {
    public var key: ConfigKey
    public var expected: String
    public var origin: ValueOrigin
    private var shownValue: String

    init(key: ConfigKey, expected: String, value: ResolvedValue) {
        self.key = key
        self.expected = expected
        self.origin = value.origin
        self.shownValue = value.displayValue ?? "null"
    }

    public var description: String {
        "\(origin.location.map { "\($0): " } ?? "")error: '\(key)' must be \(expected), but it is '\(shownValue)' (from \(origin))"
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> Substring {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return s
    }
}

/// How .NET's binder reads a scalar from configuration text, the one reading the typed
/// accessors and the swift-configuration adapter share: white space around it trimmed (as
/// `String.Trim()` does before `bool.Parse` and the number parsers), `true`/`false` in any case.
public enum ConfigurationScalar {
    public static func int(_ text: String) -> Int? { Int(trimmed(text)) }

    public static func double(_ text: String) -> Double? { Double(trimmed(text)) }

    public static func bool(_ text: String) -> Bool? {
        switch trimmed(text).lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    static func trimmed(_ text: String) -> Substring {
        var trimmed = Substring(text)
        while let first = trimmed.first, first.isWhitespace { trimmed.removeFirst() }
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        return trimmed
    }
}
