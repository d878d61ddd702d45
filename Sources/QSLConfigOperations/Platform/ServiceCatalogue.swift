import QSLConfig
import QSLConfigCore

/// `environments/services.json`: the platform's 22 deployables, where their configuration lives
/// and which shared settings each one uses.
public struct ServiceCatalogue: Sendable, Codable, Hashable {
    public var shared: Shared?
    public var services: [Service]

    public struct Shared: Sendable, Codable, Hashable {
        /// The AppHost-level folder of shared appsettings, relative to the platform root.
        public var folder: String
    }

    public struct Service: Sendable, Codable, Hashable {
        public var id: String
        public var folder: String
        /// `service` or `gateway`.
        public var kind: String
        /// The service's schema, relative to the catalogue file.
        public var schema: String?
        public var connectionStrings: [String]
        public var sharedSections: [String]
        public var queue: String?
        public var bus: String?
        public var replicas: Int?

        /// The shared settings this service receives.
        public var sharedFilter: SharedSettingsFilter {
            SharedSettingsFilter(sections: sharedSections, connectionStrings: connectionStrings)
        }
    }

    public func service(_ id: String) -> Service? {
        services.first { $0.id.lowercased() == id.lowercased() }
    }
}
