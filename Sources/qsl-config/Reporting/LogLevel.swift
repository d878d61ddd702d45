import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `QSL_LOG_LEVEL` (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`): log
/// lines at that level and above go to standard error. Log lines name keys, secrets and call
/// counts, never values.
enum LogLevel {
    static let variable = "QSL_LOG_LEVEL"

    /// Sets up logging from the environment; an unknown level is bad usage (exit 2).
    static func bootstrap() {
        // One variable is read with getenv: building the whole environment dictionary costs
        // every command's start-up a little.
        guard let value = getenv(variable) else { return }
        bootstrap(level: String(cString: value))
    }

    static func bootstrap(level text: String) {
        guard !text.isEmpty else { return }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            printError("qsl-config: error: \(variable) is \(text), which is not a log level; use one of \(levels)")
            exit(ExitStatus.badInput)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
