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

    public init(environment: String, plainSecretsAllowed: Bool, checkedRemote: Bool, services: [ServiceValidation]) {
        self.environment = environment
        self.plainSecretsAllowed = plainSecretsAllowed
        self.checkedRemote = checkedRemote
        self.services = services
    }

    public var errorCount: Int { services.reduce(0) { $0 + $1.errors.count } }
    public var warningCount: Int { services.reduce(0) { $0 + $1.warnings.count } }

    /// 0 when clean (warnings allowed), 1 on findings, 2 when a file could not be read or parsed.
    public var exitStatus: Int32 {
        if services.contains(where: \.isUnusable) { return 2 }
        return errorCount > 0 ? 1 : 0
    }

    /// Every diagnostic once, in service then file order: a finding in a shared file that
    /// several services inherit is listed once.
    public var uniqueDiagnostics: [(service: String, diagnostic: Diagnostic)] {
        var seen: Set<Diagnostic> = []
        var result: [(String, Diagnostic)] = []
        for service in services {
            for diagnostic in service.diagnostics where seen.insert(diagnostic).inserted {
                result.append((service.id, diagnostic))
            }
        }
        return result
    }
}
