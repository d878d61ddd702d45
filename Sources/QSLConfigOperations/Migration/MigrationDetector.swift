import QSLConfig
import QSLConfigCore

/// Decides, for one configuration value, whether `migrate` moves it, and as what kind of
/// secret. What a credential is comes from the one ``CredentialClassifier`` every command shares
/// (and the schema's `writeOnly`); this adds what only migration needs: AWS access keys are
/// removed rather than moved, each secret gets a kind for rotation, and lower-confidence
/// findings are left for review.
enum MigrationDetector {
    /// What `value` under `key` is, or `nil` when it is not migrated at all.
    static func finding(key: ConfigKey, value: String, writeOnly: Bool) -> CredentialSite.Finding? {
        let findings = CredentialClassifier.findings(key: key, value: value, includeReview: true)
        let awsKeys = findings.filter { $0.kind == .awsAccessKeyId || $0.kind == .awsSecretAccessKey }
        if !awsKeys.isEmpty, awsKeys.count == findings.count, awsKeys[0].utf8Offsets == 0..<value.utf8.count { return .awsAccessKey }
        // Exactly what `validate` calls a plaintext secret outside Development is moved.
        if PolicyCheck.plaintext(value, key: key, writeOnly: writeOnly) != nil { return .credential(kind: kind(key: key, value: value)) }
        return findings.isEmpty ? nil : .review
    }

    /// The secret's kind, for the `qsl:kind` tag that `rotate` reads.
    static func kind(key: ConfigKey, value: String) -> String {
        let folded = key.folded
        let lower = value.lowercased()
        // Npgsql writes `Host=`; SQL Server's `Server=`/`Data Source=` strings are not PostgreSQL.
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") || folded.contains("POSTGRES") || folded.contains("NPGSQL")
            || (lower.contains("host=") && (lower.contains("database=") || lower.contains("username=")))
        {
            return "postgres"
        }
        if folded.contains("REDIS") || folded == "CONNECTIONSTRINGS:CACHE" || lower.contains(",password=") { return "redis" }
        let section = ConfigKey.colonSeparated(folded, omittingEmpty: true).first.map(String.init) ?? ""
        if ["SECURITY", "JWT", "JWTSETTINGS", "ENCRYPTION", "INTERNALAPI", "APIKEYS"].contains(section) { return "generated" }
        return "external"
    }
}
