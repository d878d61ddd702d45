/// Recognises configuration keys and values that hold credentials, for redaction and for the
/// "no plaintext secret" policies, when no schema says otherwise.
public enum SecretKeyPolicy {
    /// Key segments (folded) that name a credential wherever they appear in the last segment.
    static let markers = [
        "PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "API_KEY", "PRIVATEKEY", "ACCESSKEY",
        "CREDENTIAL", "CONNECTIONSTRING", "SIGNINGKEY", "MASTERKEY", "ENCRYPTIONKEY", "WEBHOOKKEY",
        "INTEGRATIONKEY", "SERVERKEY", "AUTHTOKEN", "ACCOUNTSID", "PROJECTID", "SIGNATUREKEY",
    ]

    static let markerBytes = markers.map { Array($0.utf8) }

    /// Whether the key's last segment names a credential (`Password`, `ClientSecret`, `ApiKey`,
    /// `Jwt:Key`, an environment-style `..._KEY` such as `QSL_LOCAL_STORE_KEY`, ...) or the key is
    /// a connection string.
    public static func isSecretKey(_ key: ConfigKey) -> Bool {
        let segments = key.folded.split(separator: ":", omittingEmptySubsequences: false)
        guard let last = segments.last else { return false }
        if segments.count >= 2, segments[segments.count - 2] == "CONNECTIONSTRINGS" { return !last.hasSuffix("_PROVIDERNAME") }
        if last == "KEY" || last.hasSuffix("_KEY") { return true }
        // Searched as bytes: the markers are ASCII, and the generic searches are many times slower.
        let bytes = Array(last.utf8)
        return markerBytes.contains { marker in
            guard bytes.count >= marker.count else { return false }
            for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
                if bytes[start..<(start + marker.count)].elementsEqual(marker) { return true }
            }
            return false
        }
    }

    /// `value` with the password of a connection string (`Password=...;`, or Redis's
    /// `host:6379,password=...`) or URL (`scheme://user:password@host`) replaced by the redaction
    /// marker; `nil` when it has none.
    public static func redactingEmbeddedPassword(in value: String) -> String? {
        let ranges = embeddedPasswords(in: value)
        guard !ranges.isEmpty else { return nil }
        var result = value
        for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) {
            result.replaceSubrange(range, with: SecretValue.redactionMarker)
        }
        return result
    }

    /// Names of connection-string fields that hold a credential, folded to lower case.
    static let passwordFields: Set<String> = ["password", "pwd", "pass", "user password", "accountkey", "sharedaccesskey", "apikey", "api-key"]

    /// Where the passwords embedded in `value` are: the value of every credential field of a
    /// connection string (`;`-separated, or `,`-separated as Redis writes it) and the password of
    /// a URL's `user:password@`. Ranges may be empty (`Password=;`). The one definition that
    /// redaction, the plaintext policy and the ECS bundle rule share.
    public static func embeddedPasswords(in value: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        if value.contains("=") {
            let separator: Character? =
                value.contains(";") ? ";" : value.contains(",") ? "," : value.lowercased().hasPrefix("password=") ? ";" : nil
            if let separator {
                for part in value.split(separator: separator, omittingEmptySubsequences: false) {
                    guard let equals = part.firstIndex(of: "=") else { continue }
                    guard passwordFields.contains(part[..<equals].trimmingSpaces().lowercased()) else { continue }
                    ranges.append(value.index(after: equals)..<part.endIndex)
                }
            }
        }
        if let scheme = value.firstRange(of: "://") {
            let rest = value[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let password = value.index(after: colon)..<at
                if !ranges.contains(where: { $0.overlaps(password) }) { ranges.append(password) }
            }
        }
        return ranges
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
