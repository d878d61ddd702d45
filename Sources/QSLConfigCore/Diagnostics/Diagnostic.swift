/// One finding about the user's input, printed compiler-style:
/// `FILE:LINE:COL: error: message [rule]`.
///
/// A diagnostic never carries a secret value: messages name keys, files and secrets, not what
/// they hold.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
        case note
    }

    public var severity: Severity
    /// Where the problem is, when it is in a file.
    public var location: SourceLocation?
    /// One sentence a user can act on.
    public var message: String
    /// A short rule id such as `schema`, `plaintext-secret` or `duplicate-key`.
    public var rule: String?
    /// The configuration key path involved (`Section:Key`), if any.
    public var keyPath: String?

    public init(
        _ severity: Severity = .error,
        at location: SourceLocation?,
        _ message: String,
        rule: String? = nil,
        keyPath: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.rule = rule
        self.keyPath = keyPath
    }

    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): \(message)"
        if let rule { text += " [\(rule)]" }
        return text
    }
}

/// Several diagnostics reported together: bad input is reported all at once, not one per run.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
