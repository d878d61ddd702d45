/// Command-line arguments as a configuration source, with ASP.NET Core's rules (C1–C6): `Key=v`,
/// `--Key=v`, `/Key=v`, `--Key v`, `/Key v`, and switch mappings for short or alternative names.
public struct CommandLineSource: Sendable {
    public var switchMappings: [String: String]?

    public init(switchMappings: [String: String]? = nil) {
        self.switchMappings = switchMappings
    }

    public func layer(from arguments: [String]) throws(Diagnostic) -> ConfigurationLayer {
        let mappings = try validatedMappings()
        var layer = ConfigurationLayer(name: "command line")
        var index = 0
        while index < arguments.count {
            let original = arguments[index]
            index += 1
            var argument = original
            var keyStart = 0
            if argument.hasPrefix("--") {
                keyStart = 2
            } else if argument.hasPrefix("-") {
                keyStart = 1
            } else if argument.hasPrefix("/") {
                argument = "--" + argument.dropFirst()
                keyStart = 2
            }
            let key: String
            let value: String
            if let equals = argument.firstIndex(of: "=") {
                let segment = String(argument[..<equals])
                if let mapped = mappings?[ConfigKey(segment)] {
                    key = mapped
                } else if keyStart == 1 {
                    throw Diagnostic(at: nil, "the short switch '\(original)' is not defined in the switch mappings", rule: "command-line")
                } else {
                    key = String(segment.dropFirst(keyStart))
                }
                value = String(argument[argument.index(after: equals)...])
            } else {
                if keyStart == 0 { continue }
                if let mapped = mappings?[ConfigKey(argument)] {
                    key = mapped
                } else if keyStart == 1 {
                    continue
                } else {
                    key = String(argument.dropFirst(keyStart))
                }
                guard index < arguments.count else { break }
                value = arguments[index]
                index += 1
            }
            // The origin names the switch, never its value (`--Db:Password=...` is a secret's).
            let named = original.firstIndex(of: "=").map { String(original[..<$0]) } ?? original
            layer.set(ConfigEntry(key: ConfigKey(key), value: value, origin: ValueOrigin(.commandLine(argument: named))))
        }
        return layer
    }

    private func validatedMappings() throws(Diagnostic) -> [ConfigKey: String]? {
        guard let switchMappings else { return nil }
        var result: [ConfigKey: String] = [:]
        for (name, target) in switchMappings.sorted(by: { $0.key < $1.key }) {
            guard name.hasPrefix("-") else {
                throw Diagnostic(at: nil, "the switch mappings contain an invalid switch '\(name)'", rule: "command-line")
            }
            guard result.updateValue(target, forKey: ConfigKey(name)) == nil else {
                throw Diagnostic(
                    at: nil, "keys in switch mappings are case-insensitive; a duplicated key '\(name)' was found", rule: "command-line")
            }
        }
        return result
    }
}
