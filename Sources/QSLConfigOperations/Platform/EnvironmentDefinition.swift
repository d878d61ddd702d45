import QSLConfig
import QSLConfigCore

/// One deployment environment, as `environments/<name>.json` defines it: where its secrets and
/// parameters live, how they rotate and how migrated secrets are named.
public struct EnvironmentDefinition: Sendable, Codable, Hashable {
    public var name: String
    public var description: String?
    /// The ASP.NET environment whose `appsettings.{Environment}.json` applies; defaults to the
    /// name with a capital first letter (`production` → `Production`).
    public var aspnetEnvironment: String?
    public var region: String
    public var account: String?
    public var secretsPrefix: String
    public var parameterPrefix: String
    public var kmsKeyAlias: String?
    public var store: Store
    public var rotation: [String: RotationPolicy]?
    public var naming: [String: String]?
    public var plainSecretsAllowed: Bool?
    public var tags: [String: String]?
    /// The seed file for the environment's local store, relative to the platform root
    /// (development only). `validate` checks it covers every reference; without it,
    /// `platform/dev-seed.json` is used when it exists.
    public var seed: String?

    public struct Store: Sendable, Codable, Hashable {
        /// `aws`, `local` or `emulator`.
        public var kind: String
        public var endpointUrl: String?
        public var path: String?
    }

    public struct RotationPolicy: Sendable, Codable, Hashable {
        public var intervalDays: Int
        public var enabled: Bool?
        public var windowHours: Int?
        public var length: Int?
        /// For PostgreSQL: `single-user` or `alternating-users`, unless a secret's
        /// `qsl:strategy` tag says otherwise.
        public var strategy: String?
    }

    enum CodingKeys: String, CodingKey {
        case name, description, aspnetEnvironment, region, account, secretsPrefix, parameterPrefix, kmsKeyAlias, store, rotation
        case naming, plainSecretsAllowed, tags, seed
    }

    /// The ASP.NET environment name.
    public var hostEnvironmentName: String {
        aspnetEnvironment ?? (name.prefix(1).uppercased() + name.dropFirst())
    }

    /// Whether plaintext credentials may stay in configuration (development only).
    public var allowsPlainSecrets: Bool { plainSecretsAllowed ?? false }

    /// The account id, or the placeholder account when the definition leaves it to deploy time.
    public var accountId: String {
        guard let account, account.count == 12, account.allSatisfy(\.isNumber) else { return "000000000000" }
        return account
    }

    /// The partition of the region (`aws`, `aws-us-gov`, `aws-cn`).
    public var partition: String {
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("cn-") { return "aws-cn" }
        return "aws"
    }
}
