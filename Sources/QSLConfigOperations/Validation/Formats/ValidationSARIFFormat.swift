import QSLConfig
import QSLConfigCore

/// SARIF 2.1.0 for code scanning: one run, the rules that fired described in
/// `tool.driver.rules`, one result per finding with its file (a relative URI, as code scanning
/// matches it against the repository), line and column (Unicode code points), and a partial
/// fingerprint from the rule, file and key so an alert survives edits to other lines.
enum ValidationSARIFFormat {
    static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// What each rule checks, for `shortDescription`.
    static let descriptions: [String: String] = [
        "schema": "The merged configuration must satisfy the service's JSON Schema.",
        "plaintext-secret": "Outside Development, a secret-bearing (writeOnly) key must hold a reference, not a plaintext value.",
        "reference": "Every ${...} reference must be well formed.",
        "reference-kind": "Every ${aws:KIND:...} reference must be of a known kind: secrets, parameter or ssm.",
        "reference-prefix": "Every referenced secret and parameter must lie under the environment's prefix.",
        "spelling": "A setting should use the one spelling the platform's schemas name.",
        "secret-missing": "Every referenced secret, and its pinned version, must exist.",
        "parameter-missing": "Every referenced parameter, and its pinned version or label, must exist.",
        "syntax": "An appsettings file must be JSON as ASP.NET Core reads it.",
        "duplicate-key": "A configuration key may be written once per file, compared ignoring case.",
        "too-deep": "A configuration file may nest sections at most \(ReaderLimits.defaultMaxDepth) levels deep, and a key may have at most \(ConfigurationTree.maxKeySegments) segments.",
        "io": "Every configuration file must be readable.",
        "catalogue-unlisted": "Every folder of appsettings files under the catalogue's tree must be listed in environments/services.json.",
        "seed-missing": "In development, every referenced secret, JSON key and parameter must be in the development seed file.",
        "seed": "The development seed file must read, and seed only names under the environment's prefixes.",
    ]

    static func render(_ report: ValidationReport, toolVersion: String) -> String {
        let found = report.uniqueDiagnostics
        let ruleIds = Array(Set(found.map { $0.diagnostic.rule ?? "validate" })).sorted()
        let rules: [[String: Any]] = ruleIds.map { id in
            let text = descriptions[id] ?? "qsl-config validate rule \(id)."
            return [
                "id": id, "name": name(id),
                "shortDescription": ["text": text], "fullDescription": ["text": text],
                "defaultConfiguration": ["level": id == "spelling" ? "warning" : "error"],
            ]
        }
        let results: [[String: Any]] = found.map { service, diagnostic in
            let rule = diagnostic.rule ?? "validate"
            var result: [String: Any] = [
                "ruleId": rule, "ruleIndex": ruleIds.firstIndex(of: rule)!,
                "level": level(diagnostic.severity),
                "message": ["text": diagnostic.location == nil ? "\(service): \(diagnostic.message)" : diagnostic.message],
                "properties": ["service": service],
            ]
            if let location = diagnostic.location {
                result["locations"] = [
                    [
                        "physicalLocation": [
                            "artifactLocation": ["uri": uri(location.file)],
                            "region": ["startLine": location.line, "startColumn": location.column],
                        ]
                    ]
                ]
                result["partialFingerprints"] = ["qslConfigFinding/v1": "\(rule):\(location.file):\(diagnostic.keyPath ?? String(location.line))"]
            }
            return result
        }
        let log: [String: Any] = [
            "$schema": schemaURI,
            "version": "2.1.0",
            "runs": [
                [
                    "tool": ["driver": ["name": "qsl-config", "semanticVersion": toolVersion, "version": toolVersion, "rules": rules]],
                    "automationDetails": ["id": "qsl-config-validate/\(report.environment)/"],
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                    "invocations": [["executionSuccessful": !report.services.contains(where: \.isUnusable)]],
                ]
            ],
        ]
        return SortedJSON.text(log)
    }

    static func level(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// `plaintext-secret` → `PlaintextSecret`.
    static func name(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A file path as a URI reference: relative paths stay relative (to the repository root,
    /// where CI runs), absolute ones become `file://` URIs; anything outside RFC 3986's
    /// unreserved characters and `/` is percent-encoded.
    static func uri(_ path: String) -> String {
        var relative = path
        while relative.hasPrefix("./") { relative.removeFirst(2) }
        var encoded = ""
        for byte in relative.utf8 {
            let c = Unicode.Scalar(byte)
            if c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-._~/".unicodeScalars.contains(c)) {
                encoded.unicodeScalars.append(c)
            } else {
                encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return relative.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
