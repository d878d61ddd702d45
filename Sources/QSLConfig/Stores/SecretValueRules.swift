/// What a secret's text must be before any store is asked to keep it: the one rule `secret put`
/// and `seed` share, so a value one accepts the other accepts too.
///
/// Secrets Manager's `SecretString` holds at most 65,536 bytes, and an empty value is refused
/// here because it always means a value that was lost on the way (an empty pipe, an empty file).
///
/// ```swift
/// if let problem = SecretValueRules.problem(with: text) { print(problem) }  // never prints the value
/// ```
public enum SecretValueRules {
    /// The largest `SecretString`, in UTF-8 bytes (Secrets Manager's quota).
    public static let maxBytes = 65_536

    /// Why `text` cannot be stored as a secret, in words that never quote it; `nil` when it can.
    public static func problem(with text: String) -> String? {
        let size = text.utf8.count
        if size == 0 { return "the value is empty" }
        if size > maxBytes { return "the value is \(size) bytes, above the limit of \(maxBytes) bytes of a Secrets Manager secret" }
        return nil
    }
}
