import QSLConfigCore

/// Which of the platform's shared (AppHost-level) settings a service receives: the sections it
/// uses, and of `ConnectionStrings` only the names it references — its own database, not the
/// other seventeen.
public struct SharedSettingsFilter: Sendable, Hashable {
    /// Top-level sections, folded (`LOGGING`, `AWS`, ...).
    public var sections: Set<String>
    /// Connection-string names, folded.
    public var connectionStrings: Set<String>

    public init(sections: [String], connectionStrings: [String]) {
        self.sections = Set(sections.map(ConfigKey.fold))
        self.connectionStrings = Set(connectionStrings.map(ConfigKey.fold))
    }

    public func accepts(_ key: ConfigKey) -> Bool {
        let segments = ConfigKey.colonSeparated(key.folded, maxSplits: 2)
        guard let section = segments.first else { return false }
        if section == "CONNECTIONSTRINGS" {
            return segments.count >= 2 && connectionStrings.contains(String(segments[1]))
        }
        return sections.contains(String(section))
    }
}
