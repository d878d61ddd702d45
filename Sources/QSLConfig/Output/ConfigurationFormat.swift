import QSLConfigCore

/// The ways `resolve` prints a configuration.
public enum ConfigurationFormat: String, Sendable, CaseIterable {
    /// One flat JSON object, `Section:Key` → string or null, as `AsEnumerable()` lists it.
    case json
    /// `Section__Key=value` lines, as ASP.NET reads environment variables; a line break in a
    /// key or a value is written `\n` (`\r`), so each entry stays on its own line.
    case env
    /// An indented tree of sections.
    case tree

    /// Renders `configuration`, secret values redacted unless `showSecrets`.
    public func render(_ configuration: ResolvedConfiguration, showSecrets: Bool) -> String {
        func text(_ value: ResolvedValue) -> String? {
            showSecrets ? value.unsafeRevealedValue : value.displayValue
        }
        switch self {
        case .json:
            guard !configuration.values.isEmpty else { return "{}\n" }
            var out = "{\n"
            for (position, value) in configuration.values.enumerated() {
                out += "  " + JSONStringEncoding.quoted(value.key.spelling) + ": "
                out += text(value).map(JSONStringEncoding.quoted) ?? "null"
                out += position == configuration.values.count - 1 ? "\n" : ",\n"
            }
            return out + "}\n"
        case .env:
            var out = ""
            for value in configuration.values {
                // Names are escaped like values: a line break in a key must not start another line.
                out += EnvironmentName.escapeLineBreaks(EnvironmentName.variable(for: value.key)) + "="
                out += (text(value).map(EnvironmentName.escapeLineBreaks) ?? "") + "\n"
            }
            return out
        case .tree:
            var out = ""
            var previous: [Substring] = []
            for value in configuration.values {
                let segments = value.key.segments
                var common = 0
                while common < min(previous.count, segments.count - 1), ConfigKey.fold(String(previous[common])) == ConfigKey.fold(String(segments[common])) {
                    common += 1
                }
                for depth in common..<(segments.count - 1) {
                    out += String(repeating: "  ", count: depth) + segments[depth] + "\n"
                }
                let leaf = segments[segments.count - 1]
                out += String(repeating: "  ", count: segments.count - 1) + leaf + " = " + (text(value).map { JSONStringEncoding.quoted($0) } ?? "null") + "\n"
                previous = Array(segments)
            }
            return out
        }
    }
}

extension ConfigurationFormat {
    /// Several services' configurations as one JSON object, service id → the flat object
    /// ``json`` prints, secret values redacted unless `showSecrets`.
    public static func jsonByService(_ services: [(id: String, configuration: ResolvedConfiguration)], showSecrets: Bool) -> String {
        guard !services.isEmpty else { return "{}\n" }
        var out = "{\n"
        for (position, service) in services.enumerated() {
            let object = json.render(service.configuration, showSecrets: showSecrets).dropLast()  // its final newline
            out += "  " + JSONStringEncoding.quoted(service.id) + ": " + object.replacing("\n", with: "\n  ")
            out += position == services.count - 1 ? "\n" : ",\n"
        }
        return out + "}\n"
    }
}

/// Configuration keys as environment variable names.
public enum EnvironmentName {
    /// `Section:Key` → `Section__Key`.
    public static func variable(for key: ConfigKey) -> String {
        key.spelling.replacing(":", with: "__")
    }

    /// Where variables go, which decides the names they can have.
    public enum Carrier: Sendable {
        /// A process's environment (`execve`, a container definition's `environment`): each
        /// variable is one `NAME=VALUE` C string.
        case process
        /// A `docker run --env-file` line, which docker also splits at whitespace and skips when
        /// it starts with `#`.
        case envFile
    }

    /// Why `carrier` cannot carry a variable named `name`, or `nil` when it can. No environment
    /// carries an empty name, an `=` (the reader splits `A=B=v` at the first one, into the
    /// variable `A`) or a NUL (it ends the C string); an env file neither whitespace nor a
    /// leading `#`. The one rule `exec`, `bundle --format ecs` and `--format dotenv` apply.
    public static func unusableReason(_ name: String, in carrier: Carrier) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.contains(UInt8(ascii: "=")) { return "it holds '='" }
        if name.utf8.contains(0) { return "it holds a NUL" }
        guard carrier == .envFile else { return nil }
        if name.hasPrefix("#") { return "it starts with '#'" }
        if name.contains(where: \.isWhitespace) { return "it holds whitespace" }
        return nil
    }

    /// Line breaks written as `\n` so one value stays on one line.
    static func escapeLineBreaks(_ value: String) -> String {
        guard value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return value.replacing("\r\n", with: "\\n").replacing("\n", with: "\\n").replacing("\r", with: "\\r")
    }
}
