import QSLConfig
import QSLConfigCore

/// JUnit XML: one `<testsuite>` for the environment, one `<testcase>` per service. A service
/// with errors has one `<failure>` listing them compiler-style; a service whose files could not
/// be parsed has an `<error>`; warnings and notes go to `<system-out>`. Platform findings
/// (an unlisted folder, a bad seed file) make one more test case, `platform`, when there are any.
enum ValidationJUnitFormat {
    static func render(_ report: ValidationReport, toolVersion: String) -> String {
        let platform = ServiceValidation(
            id: ValidationReport.platformLabel, folder: ".", schema: "", files: [], diagnostics: report.platformDiagnostics, isUnusable: false)
        let cases = report.services + (report.platformDiagnostics.isEmpty ? [] : [platform])
        let failures = cases.filter { !$0.isUnusable && !$0.errors.isEmpty }.count
        let errors = cases.filter(\.isUnusable).count
        let suite = "qsl-config validate \(report.environment)"
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        out += "  <testsuite name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\">\n"
        out += "    <properties>\n"
        out += "      <property name=\"environment\" value=\"\(escape(report.environment))\"/>\n"
        out += "      <property name=\"tool\" value=\"qsl-config \(escape(toolVersion))\"/>\n"
        out += "      <property name=\"remote\" value=\"\(report.checkedRemote)\"/>\n"
        out += "    </properties>\n"
        for service in cases {
            let file = AppsettingsDirectory(path: service.folder).filePath()
            out += "    <testcase classname=\"qsl-config.validate.\(escape(report.environment))\" name=\"\(escape(service.id))\" file=\"\(escape(file))\">\n"
            let errorLines = service.errors.map(line)
            if service.isUnusable {
                out += "      <error type=\"unusable-input\" message=\"\(escape(first(service.errors, count: errorLines.count)))\">"
                out += escape(errorLines.joined(separator: "\n")) + "</error>\n"
            } else if !errorLines.isEmpty {
                let rules = Set(service.errors.compactMap(\.rule)).sorted().joined(separator: ",")
                out += "      <failure type=\"\(escape(rules))\" message=\"\(escape(first(service.errors, count: errorLines.count)))\">"
                out += escape(errorLines.joined(separator: "\n")) + "</failure>\n"
            }
            let other = service.diagnostics.filter { $0.severity != .error }.map(line)
            if !other.isEmpty {
                out += "      <system-out>" + escape(other.joined(separator: "\n")) + "</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func line(_ diagnostic: Diagnostic) -> String { diagnostic.description }

    /// `3 errors; the first: ...`.
    static func first(_ errors: [Diagnostic], count: Int) -> String {
        guard let first = errors.first else { return "" }
        return count == 1 ? first.description : "\(count) errors; the first: \(first.description)"
    }

    /// XML text: the five predefined entities, and characters XML 1.0 cannot hold dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
