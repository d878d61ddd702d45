import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

@main
struct QSLConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qsl-config",
        abstract: "Layered configuration and secrets for the QuantumSkyLink platform on AWS.",
        discussion: """
            Exit codes: 0 success, 1 findings (validation errors, drift, rotations due), \
            2 bad usage or bad input, 3 AWS or network failure.

            QSL_LOG_LEVEL=trace|debug|info|notice|warning|error|critical sends log lines at that \
            level and above to standard error; they never hold a secret value.
            """,
        version: QSLConfigVersion.current,
        subcommands: [
            ResolveCommand.self, ValidateCommand.self, BundleCommand.self, ExecCommand.self, SecretCommand.self,
            SeedCommand.self, WhoamiCommand.self, MigrateCommand.self, RotateCommand.self, RollbackCommand.self,
        ]
    )

    /// Runs the command, mapping argument-parser usage errors to exit code 2, as the command
    /// contract promises (argument-parser itself uses 64).
    static func main() async {
        MallocTuning.apply()
        LogLevel.bootstrap()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Glibc.exit(ExitStatus.badInput)
            }
            exit(withError: error)
        }
    }
}

enum QSLConfigVersion {
    static let current = "0.1.0"
}
