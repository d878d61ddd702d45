import QSLConfig
import QSLConfigCore

/// One plaintext value in one file that `migrate` found: where it is written, what it is, and
/// which services read it.
public struct CredentialSite: Sendable {
    /// What the value is.
    public enum Finding: Sendable, Hashable {
        /// A credential, to be moved into the store; `kind` goes into the `qsl:kind` tag.
        case credential(kind: String)
        /// An AWS access key id, or its secret access key: removed from the file and listed for
        /// deactivation, never migrated (task roles replace them).
        case awsAccessKey
        /// A value that looks random but is not named as a credential: reported for review,
        /// migrated only when `--include` names its key.
        case review
    }

    /// The file, as the loader names it (under the platform root).
    public var file: String
    /// The configuration key, as the file spells it.
    public var key: ConfigKey
    public var finding: Finding
    /// The value's bytes in ``file`` (its string token, quotes included).
    public var valueRange: Range<Int>
    public var location: SourceLocation
    /// Whether the file is one of the catalogue's shared (AppHost-level) files.
    public var isShared: Bool
    /// Whether the file is an environment overlay (`appsettings.{Environment}.json`) rather than
    /// a base `appsettings.json` that every environment loads.
    public var isOverlay: Bool
    /// The services that load this value (in the source or the target environment).
    public var services: [String]
    /// The value as the service reads it (a `$${` escape undone). Never printed; it goes into
    /// the store and is compared after the rewrite.
    var value: SecretValue
    /// Whether the value holds a `${...}` reference beside its plaintext, which `migrate` cannot
    /// move part of.
    var holdsReference = false
    /// Whether the value holds a `${` or `$<` that is no reference the grammar reads.
    var malformedReference = false

    /// `file` and key, the site's identity.
    var id: SiteID { SiteID(file: file, key: key.folded) }

    struct SiteID: Hashable, Sendable, Comparable {
        var file: String
        var key: String

        static func < (a: SiteID, b: SiteID) -> Bool { (a.file, a.key) < (b.file, b.key) }
    }
}
