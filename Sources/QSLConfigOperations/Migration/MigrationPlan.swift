import QSLConfig
import QSLConfigCore

/// What `migrate` will do, decided before anything is written: the secrets, each with its action,
/// the edits of every file, and what it will not do.
public struct MigrationPlan: Sendable {
    /// One secret to hold migrated values: a whole string (a connection string) or a JSON object
    /// of several keys written in one call.
    public struct Secret: Sendable {
        public enum Action: String, Sendable, Codable {
            /// It does not exist: create it.
            case create
            /// It exists with the same value (for a JSON secret: every planned key, same value).
            case unchanged
            /// It exists with other JSON keys only: a new version adds the planned ones.
            case addKeys = "add-keys"
            /// It exists with another value: stop, or with `--update-existing` put a new version.
            case conflict
            /// A conflict that `--update-existing` turns into a new version.
            case update
        }

        public var name: String
        /// `postgres`, `redis`, `generated`, `iam-access-key` or `external`: the `qsl:kind` tag.
        public var kind: String
        /// JSON keys and their values; empty for a whole-string secret.
        var keys: [(key: String, value: SecretValue)]
        /// The whole value of a whole-string secret.
        var whole: SecretValue?
        public var action: Action
        /// The sites whose values it holds.
        public var sites: [CredentialSite]
        /// The services that read it.
        public var services: [String]

        public var jsonKeys: [String] { keys.map(\.key) }

        /// The SecretString to write: the whole value, or the JSON object (merged over the
        /// members an existing version holds, of any type), its keys in the order rotation writes
        /// them back (``SortedJSON/compact(_:)``), so the first rotation after a migration
        /// reorders nothing.
        func secretString(mergingOver existing: [String: JSONValue]?) -> String {
            if let whole { return whole.unsafeRevealed }
            var object: [String: Any] = existing ?? [:]
            for (key, value) in keys { object[key] = value.unsafeRevealed }
            return SortedJSON.compact(object)
        }
    }

    /// One file the migration changes: its edits, or its whole new text when it is created.
    public struct File: Sendable {
        public var path: String
        var edits: [JSONEdit]
        /// For a file that does not exist yet (a target overlay): its text.
        var newText: String?
        /// For a file that exists: its bytes with the edits applied, as the planner tried them
        /// (``MigrationPlanner/rewritten(_:edits:adding:)``); `nil` when they do not apply, which
        /// stops the plan.
        var rewritten: [UInt8]?
        /// `sha256:` of the bytes the edits were planned against (`nil` for a new file, which
        /// must still not exist): a file that changed since is not rewritten.
        var planned: String?
        /// Keys whose values become references, members added, members removed.
        public var replaced: [String]
        public var added: [String]
        public var removed: [String]
    }

    /// A value several keys share, reported so that it is seen: "18 connection strings share
    /// one password".
    public struct SharedValue: Sendable {
        /// `password` for a password inside connection strings or URLs, else `value`.
        public var part: String
        public var sites: [CredentialSite]
    }

    public var source: EnvironmentDefinition
    public var target: EnvironmentDefinition
    public var services: [String]
    public var secrets: [Secret]
    public var files: [File]
    /// AWS access keys found: removed from the files, to be deactivated.
    public var accessKeys: [CredentialSite]
    /// Values found for their entropy only, left for review.
    public var review: [CredentialSite]
    public var sharedValues: [SharedValue]
    /// What stops the migration (exit 1): two values for one secret, an environment that would
    /// lose a value, a key the target sets to something else.
    public var unmigratable: [Diagnostic]
    /// What the user should know (another environment now reads a secret under its prefix).
    public var warnings: [Diagnostic]
    /// After the rewrite, the value each service must resolve each migrated key to.
    var expected: [String: [ConfigKey: SecretValue]]
    /// After the rewrite, the value each service must still resolve each migrated key to in the
    /// source environment (the values it reads under a prefix of its own are left out: a
    /// warning names them).
    var sourceExpected: [String: [ConfigKey: SecretValue]] = [:]
    /// Where each migrated site's value goes, kept in the journal for a resumed run.
    var destinations: [CredentialSite.SiteID: [MigrationPlanner.Destination]] = [:]

    /// Whether there is nothing to write.
    public var isEmpty: Bool { files.isEmpty && secrets.allSatisfy { $0.action == .unchanged } }

    public var conflicts: [Secret] { secrets.filter { $0.action == .conflict } }
}
