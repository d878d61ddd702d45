import Foundation
import QSLConfig
import QSLConfigCore

/// Decides, for one configuration value, whether `migrate` moves it, and as what kind of
/// secret. The credential decision is the one every command shares (``SecretKeyPolicy``, the
/// schema's `writeOnly`); this adds what only migration needs: AWS access keys, which are
/// removed rather than moved, the secret's kind for rotation, and a review of random-looking
/// values no name marks.
enum MigrationDetector {
    /// What `value` under `key` is, or `nil` when it is not migrated at all.
    static func finding(key: ConfigKey, value: String, writeOnly: Bool) -> CredentialSite.Finding? {
        guard !value.isEmpty, value != SecretValue.redactionMarker else { return nil }
        if PlaceholderTemplate.mayContainReference(value) {
            // A reference is not plaintext; a connection string whose password is a literal next
            // to references is.
            guard let template = try? PlaceholderTemplate(parsing: value), !template.references.isEmpty else { return nil }
            let marker = "\u{1}"
            let shape = template.render { _ in marker }
            guard SecretKeyPolicy.embeddedPasswords(in: shape).contains(where: { !$0.isEmpty && !shape[$0].contains(marker) }) else { return nil }
            return .credential(kind: kind(key: key, value: value))
        }
        if isAWSAccessKey(key: key, value: value) { return .awsAccessKey }
        if writeOnly || SecretKeyPolicy.isSecretKey(key) {
            // A connection string or URL without a password is a plain setting.
            if key.folded.hasPrefix("CONNECTIONSTRINGS:") || value.contains("://") {
                guard !SecretKeyPolicy.embeddedPasswords(in: value).allSatisfy(\.isEmpty) || hasKeyInURL(value) else { return nil }
            }
            return .credential(kind: kind(key: key, value: value))
        }
        if !SecretKeyPolicy.embeddedPasswords(in: value).allSatisfy(\.isEmpty) || hasKeyInURL(value) {
            return .credential(kind: kind(key: key, value: value))
        }
        return looksRandom(value) ? .review : nil
    }

    /// An access key id (`AKIA…`/`ASIA…`, 20 characters) or a secret access key named as one.
    static func isAWSAccessKey(key: ConfigKey, value: String) -> Bool {
        let bytes = Array(value.utf8)
        if bytes.count == 20, value.hasPrefix("AKIA") || value.hasPrefix("ASIA"),
            bytes.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) })
        {
            return true
        }
        let last = key.folded.split(separator: ":").last.map(String.init) ?? ""
        let compact = last.replacingOccurrences(of: "_", with: "")
        return (compact == "SECRETACCESSKEY" || compact == "AWSSECRETACCESSKEY") && bytes.count == 40
    }

    /// An API key in a URL's path, as Infura (`/v3/<32 hex>`) and Alchemy (`/v2/<key>`) put it.
    static func hasKeyInURL(_ value: String) -> Bool {
        guard let scheme = value.range(of: "://") else { return false }
        let rest = value[scheme.upperBound...]
        let path = rest.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/").dropFirst() } ?? []
        var previous: Substring?
        for segment in path {
            if let previous, previous.count == 2, previous.first == "v", previous.last?.isNumber == true, segment.count >= 16, looksRandom(String(segment)) || segment.allSatisfy(\.isHexDigit) {
                return true
            }
            previous = segment
        }
        return false
    }

    /// The secret's kind, for the `qsl:kind` tag that `rotate` reads.
    static func kind(key: ConfigKey, value: String) -> String {
        let folded = key.folded
        let lower = value.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
            || ((lower.contains("host=") || lower.contains("server=")) && (lower.contains("database=") || folded.contains("POSTGRES") || lower.contains("username=")))
        {
            return "postgres"
        }
        if folded.contains("REDIS") || folded == "CONNECTIONSTRINGS:CACHE" || lower.contains(",password=") { return "redis" }
        let section = folded.split(separator: ":").first.map(String.init) ?? ""
        if ["SECURITY", "JWT", "JWTSETTINGS", "ENCRYPTION", "INTERNALAPI", "APIKEYS"].contains(section) { return "generated" }
        return "external"
    }

    /// A string that looks machine-generated: long, no spaces, mixed character classes, and
    /// high Shannon entropy. Hex of 32 or more digits counts; UUIDs, versions and words do not.
    static func looksRandom(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 20, bytes.count <= 4096, !bytes.contains(UInt8(ascii: " ")) else { return false }
        if value.contains("://") || value.hasPrefix("/") || value.hasPrefix("arn:") { return false }
        if isUUID(value) { return false }
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        var entropy = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / Double(bytes.count)
            entropy -= p * log2(p)
        }
        let hasDigit = bytes.contains { $0 >= 48 && $0 <= 57 }
        let hasUpper = bytes.contains { $0 >= 65 && $0 <= 90 }
        let hasLower = bytes.contains { $0 >= 97 && $0 <= 122 }
        if bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }) {
            return bytes.count >= 32 && entropy >= 3.0
        }
        return hasDigit && (hasUpper || hasLower) && entropy >= 4.0
    }

    static func isUUID(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
