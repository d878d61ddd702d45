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
        let services: [[String: Any]] = report.services.map { service in
            [
                "id": service.id, "folder": service.folder, "schema": service.schema, "files": service.files,
                "valid": service.errors.isEmpty && !service.isUnusable, "unusable": service.isUnusable,
                "diagnostics": service.diagnostics.map(object),
            ]
        }
        let document: [String: Any] = [
            "environment": report.environment,
            "plainSecretsAllowed": report.plainSecretsAllowed,
            "remoteChecked": report.checkedRemote,
            "summary": [
                "services": report.services.count, "errors": report.errorCount, "warnings": report.warningCount,
                "exitStatus": Int(report.exitStatus),
            ],
            "services": services,
            "platform": report.platformDiagnostics.map(object),
        ]
        return SortedJSON.text(document)
    }

    static func object(_ diagnostic: Diagnostic) -> [String: Any] {
        var object: [String: Any] = ["severity": diagnostic.severity.rawValue, "message": diagnostic.message]
        if let rule = diagnostic.rule { object["rule"] = rule }
        if let key = diagnostic.keyPath { object["key"] = key }
        if let location = diagnostic.location {
            object["file"] = location.file
            object["line"] = location.line
            object["column"] = location.column
        }
        return object
    }
}
