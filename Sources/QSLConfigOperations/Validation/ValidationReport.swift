import QSLConfig
import QSLConfigCore

/// The outcome of ``ValidationOperation/run(_:)``: one entry per service, rendered by
/// ``ValidationReportFormat`` as text, JSON, GitHub workflow commands, JUnit XML or SARIF.
///
/// Values of secret (`writeOnly`) keys never reach a report: schema messages quote no instance
/// string, policy messages name keys, files, secrets and parameters, and a malformed reference
/// is quoted only when its key is not secret.
public struct ValidationReport: Sendable {
    /// The environment validated (`production`, or the ASP.NET name in directory mode).
    public var environment: String
    /// Whether plaintext values were allowed in secret keys (Development only).
    public var plainSecretsAllowed: Bool
    /// Whether referenced secrets and parameters were checked against the store.
    public var checkedRemote: Bool
    public var services: [ServiceValidation]
    /// Findings about the platform root rather than one service: a folder the catalogue does not
    /// list `[catalogue-unlisted]`, a development seed file that does not read `[seed]`.
    public var platformDiagnostics: [Diagnostic]

    public init(
        environment: String, plainSecretsAllowed: Bool, checkedRemote: Bool, services: [ServiceValidation], platformDiagnostics: [Diagnostic] = []
    ) {
        self.environment = environment
        self.plainSecretsAllowed = plainSecretsAllowed
        self.checkedRemote = checkedRemote
        self.services = services
        self.platformDiagnostics = platformDiagnostics
    }

    public var errorCount: Int {
        services.reduce(0) { $0 + $1.errors.count } + platformDiagnostics.count(where: { $0.severity == .error })
    }
    public var warningCount: Int {
        services.reduce(0) { $0 + $1.warnings.count } + platformDiagnostics.count(where: { $0.severity == .warning })
    }

    /// The name ``uniqueDiagnostics`` and the formats give platform findings in place of a
    /// service id.
    public static let platformLabel = "platform"

    /// 0 when clean (warnings allowed), 1 on findings, 2 when a file could not be read or parsed.
    public var exitStatus: Int32 {
        if services.contains(where: \.isUnusable) { return 2 }
        return errorCount > 0 ? 1 : 0
    }

    /// Every diagnostic once, platform findings first, then in service then file order: a finding in a shared file that
    /// several services inherit is listed once.
    public var uniqueDiagnostics: [(service: String, diagnostic: Diagnostic)] {
        var seen: Set<Diagnostic> = []
        var result: [(String, Diagnostic)] = []
        for diagnostic in platformDiagnostics where seen.insert(diagnostic).inserted {
            result.append((Self.platformLabel, diagnostic))
        }
        for service in services {
            for diagnostic in service.diagnostics where seen.insert(diagnostic).inserted {
                result.append((service.id, diagnostic))
            }
        }
        return result
    }
}
