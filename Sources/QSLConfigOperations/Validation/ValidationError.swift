import QSLConfig
import QSLConfigCore

/// Validation could not start or finish: no catalogue, an unknown environment or service, a
/// schema that cannot be compiled, an unusable environment file, or a store that failed during
/// `--remote`. Problems in the configuration files themselves are findings in the
/// ``ValidationReport`` instead.
public struct ValidationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// Whether the store itself failed (network, access denied): exit code 3 rather than 2.
    public var isStoreFailure: Bool

    public init(_ diagnostics: [Diagnostic], isStoreFailure: Bool = false) {
        self.diagnostics = diagnostics
        self.isStoreFailure = isStoreFailure
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
