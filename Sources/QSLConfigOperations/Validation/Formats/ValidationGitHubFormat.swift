import QSLConfig
import QSLConfigCore

/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message`
/// (`::warning` for alternative spellings, `::notice` for notes), then the summary as a log line.
/// Data is escaped as the runner expects (`%`, CR, LF), properties also `:` and `,`.
enum ValidationGitHubFormat {
    static func render(_ report: ValidationReport) -> String {
        var out = ""
        for (service, diagnostic) in report.uniqueDiagnostics {
            let command = switch diagnostic.severity {
            case .error: "error"
            case .warning: "warning"
            case .note: "notice"
            }
            var properties: [String] = []
            if let location = diagnostic.location {
                properties.append("file=" + escapeProperty(location.file))
                properties.append("line=\(location.line)")
                properties.append("col=\(location.column)")
            }
            properties.append("title=" + escapeProperty("qsl-config \(diagnostic.rule ?? "validate") (\(service))"))
            let message = diagnostic.location == nil ? "\(service): \(diagnostic.message)" : diagnostic.message
            out += "::\(command) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out + report.summaryLine + "\n"
    }

    static func escapeData(_ text: String) -> String {
        text.replacingEvery("%", with: "%25").replacingEvery("\r", with: "%0D").replacingEvery("\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingEvery(":", with: "%3A").replacingEvery(",", with: "%2C")
    }
}
