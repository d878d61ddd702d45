/// Environment variables as a configuration source, with ASP.NET Core's rules (E1–E3 of the
/// conformance rules): every `__` becomes `:` left to right, an optional prefix is matched
/// ignoring case and removed once, and Azure App Service connection-string prefixes produce
/// `ConnectionStrings:{name}` (and `{name}_ProviderName`) keys.
public struct EnvironmentVariablesSource: Sendable {
    public var prefix: String?
    public var compatibility: AspNetCompatibility

    public init(prefix: String? = nil, compatibility: AspNetCompatibility = .default) {
        self.prefix = prefix
        self.compatibility = compatibility
    }

    /// Connection-string prefixes and the provider name each implies.
    static func connectionStringPrefixes(for compatibility: AspNetCompatibility) -> [(prefix: String, provider: String?)] {
        var prefixes: [(String, String?)] = [
            ("MYSQLCONNSTR_", "MySql.Data.MySqlClient"),
            ("SQLAZURECONNSTR_", "System.Data.SqlClient"),
            ("SQLCONNSTR_", "System.Data.SqlClient"),
            ("CUSTOMCONNSTR_", nil),
        ]
        if compatibility == .dotnet10 {
            prefixes += [
                ("POSTGRESQLCONNSTR_", "Npgsql"),
                ("APIHUBCONNSTR_", nil), ("DOCDBCONNSTR_", nil), ("EVENTHUBCONNSTR_", nil),
                ("NOTIFICATIONHUBCONNSTR_", nil), ("REDISCACHECONNSTR_", nil), ("SERVICEBUSCONNSTR_", nil),
            ]
        }
        return prefixes
    }

    /// `__` → `:`, scanning left to right without overlaps.
    public static func normalize(_ name: String) -> String {
        guard name.utf8.count >= 2, name.contains("__") else { return name }
        return name.replacing("__", with: ":")
    }

    /// `text` without its first scalars when they fold to `folded` (a prefix already folded),
    /// else `nil`: compared scalar by scalar, as .NET compares ordinally, never by grapheme.
    /// Folding maps each scalar to exactly one, so the match is as many scalars of `text` as
    /// `folded` has, whatever their bytes (`ſ` folds to the one byte `S` from two). `textFolded`
    /// is `text` folded, when the caller has it.
    static func dropping(_ folded: String, from text: String, textFolded: String? = nil) -> String? {
        let textFolded = textFolded ?? ConfigKey.fold(text)
        guard textFolded.unicodeScalars.starts(with: folded.unicodeScalars) else { return nil }
        return String(text.unicodeScalars.dropFirst(folded.unicodeScalars.count))
    }

    public func layer(from variables: [String: String]) -> ConfigurationLayer {
        var layer = ConfigurationLayer(name: prefix.map { "environment (prefix \($0))" } ?? "environment")
        let normalizedPrefix = prefix.map { ConfigKey.fold(Self.normalize($0)) } ?? ""
        let connectionPrefixes = Self.connectionStringPrefixes(for: compatibility)

        func add(_ key: String, _ value: String, variable: String) {
            guard let stripped = normalizedPrefix.isEmpty ? key : Self.dropping(normalizedPrefix, from: key) else { return }
            layer.set(ConfigEntry(key: ConfigKey(stripped), value: value, origin: ValueOrigin(.environment(variable: variable))))
        }

        // Sorted, so that the (rare) collision of two spellings is deterministic.
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            // Folded once: folding maps each scalar to one, so a folded prefix's scalar count is
            // the original's.
            let folded = ConfigKey.fold(name)
            if let (match, remainder) = connectionPrefixes.lazy.compactMap({ prefix in Self.dropping(prefix.prefix, from: name, textFolded: folded).map { (prefix, $0) } }).first {
                let rest = Self.normalize(remainder)
                add("ConnectionStrings:" + rest, value, variable: name)
                if let provider = match.provider {
                    add("ConnectionStrings:" + rest + "_ProviderName", provider, variable: name)
                }
            } else {
                add(Self.normalize(name), value, variable: name)
            }
        }
        return layer
    }
}
