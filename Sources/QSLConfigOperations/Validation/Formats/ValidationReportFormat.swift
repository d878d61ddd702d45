import QSLConfig
import QSLConfigCore

/// The ways `validate` prints a ``ValidationReport``, for people and for CI systems.
///
/// - `text`: compiler-style lines, `FILE:LINE:COL: error: message [rule]`, and a summary;
/// - `json`: the whole report, per service, and the platform findings under `platform`;
/// - `github`: GitHub Actions workflow commands, `::error file=F,line=L,col=C,title=...::message`;
/// - `junit`: JUnit XML, one test case per service (unusable input is an `<error>`);
/// - `sarif`: SARIF 2.1.0 for code scanning, one result per finding.
///
/// In the line-oriented formats (text, github, sarif) a finding that several services inherit
/// from a shared file is listed once; json and junit list it under each service.
public enum ValidationReportFormat: String, Sendable, CaseIterable {
    case text, json, github, junit, sarif

    /// Renders `report`; `toolVersion` goes into the SARIF and JUnit metadata.
    public func render(_ report: ValidationReport, toolVersion: String) -> String {
        switch self {
        case .text: ValidationTextFormat.render(report)
        case .json: ValidationJSONFormat.render(report)
        case .github: ValidationGitHubFormat.render(report)
        case .junit: ValidationJUnitFormat.render(report, toolVersion: toolVersion)
        case .sarif: ValidationSARIFFormat.render(report, toolVersion: toolVersion)
        }
    }
}

extension ValidationReport {
    /// `production: 22 services, 20 clean; 3 errors, 2 warnings`.
    var summaryLine: String {
        let clean = services.filter { $0.errors.isEmpty && !$0.isUnusable }.count
        let unusable = services.filter(\.isUnusable).count
        var line = "qsl-config validate: \(environment): \(services.count) service\(services.count == 1 ? "" : "s"), \(clean) clean"
        if unusable > 0 { line += ", \(unusable) unusable" }
        line += "; \(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s")"
        if checkedRemote { line += "; secrets and parameters checked remotely" }
        return line
    }
}

/// `FILE:LINE:COL: severity: message [rule]`, or `SERVICE: severity: ...` without a position.
enum ValidationTextFormat {
    static func render(_ report: ValidationReport) -> String {
        var out = ""
        for (service, diagnostic) in report.uniqueDiagnostics {
            out += diagnostic.location == nil ? "\(service): \(diagnostic.description)\n" : diagnostic.description + "\n"
        }
        return out + report.summaryLine + "\n"
    }
}

/// The report as one JSON document.
enum ValidationJSONFormat {
    static func render(_ report: ValidationReport) -> String {
        // Typed values, members in key order: no `Any` to box and cast, nothing to sort.
        let services: [SortedJSON.Value] = report.services.map { service in
            .object([
                ("diagnostics", .array(service.diagnostics.map(object))),
                ("files", .array(service.files.map { .string($0) })),
                ("folder", .string(service.folder)),
                ("id", .string(service.id)),
                ("schema", .string(service.schema)),
                ("unusable", .bool(service.isUnusable)),
                ("valid", .bool(service.errors.isEmpty && !service.isUnusable)),
            ])
        }
        let document: SortedJSON.Value = .object([
            ("environment", .string(report.environment)),
            ("plainSecretsAllowed", .bool(report.plainSecretsAllowed)),
            ("platform", .array(report.platformDiagnostics.map(object))),
            ("remoteChecked", .bool(report.checkedRemote)),
            ("services", .array(services)),
            (
                "summary",
                .object([
                    ("errors", .int(report.errorCount)), ("exitStatus", .int(Int(report.exitStatus))), ("services", .int(report.services.count)),
                    ("warnings", .int(report.warningCount)),
                ])
            ),
        ])
        return SortedJSON.text(document)
    }

    static func object(_ diagnostic: Diagnostic) -> SortedJSON.Value {
        var members: [(key: String, value: SortedJSON.Value)] = []
        members.reserveCapacity(7)
        if let location = diagnostic.location {
            members.append(("column", .int(location.column)))
            members.append(("file", .string(location.file)))
        }
        if let key = diagnostic.keyPath { members.append(("key", .string(key))) }
        if let location = diagnostic.location { members.append(("line", .int(location.line))) }
        members.append(("message", .string(diagnostic.message)))
        if let rule = diagnostic.rule { members.append(("rule", .string(rule))) }
        members.append(("severity", .string(diagnostic.severity.rawValue)))
        return .object(members)
    }
}
