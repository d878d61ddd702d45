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
    /// `Jwt:Key`, ...) or the key is a connection string.
    public static func isSecretKey(_ key: ConfigKey) -> Bool {
        let segments = key.folded.split(separator: ":", omittingEmptySubsequences: false)
        guard let last = segments.last else { return false }
        if segments.count >= 2, segments[segments.count - 2] == "CONNECTIONSTRINGS" { return !last.hasSuffix("_PROVIDERNAME") }
        if last == "KEY" { return true }
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

    /// `value` with the password of a connection string (`Password=...;`) or URL
    /// (`scheme://user:password@host`) replaced by the redaction marker; `nil` when it has none.
    public static func redactingEmbeddedPassword(in value: String) -> String? {
        var changed = false
        var parts: [String] = []
        let looksLikeConnectionString = value.contains("=") && (value.contains(";") || value.lowercased().hasPrefix("password="))
        if looksLikeConnectionString {
            for part in value.split(separator: ";", omittingEmptySubsequences: false) {
                if let equals = part.firstIndex(of: "=") {
                    let name = part[..<equals].trimmingSpaces().lowercased()
                    if ["password", "pwd", "pass", "user password", "accountkey", "sharedaccesskey", "apikey", "api-key"].contains(name) {
                        parts.append(part[...equals] + SecretValue.redactionMarker)
                        changed = true
                        continue
                    }
                }
                parts.append(String(part))
            }
        }
        var result = changed ? parts.joined(separator: ";") : value
        if let scheme = result.firstRange(of: "://") {
            let rest = result[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: SecretValue.redactionMarker)
                changed = true
            }
        }
        return changed ? result : nil
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
