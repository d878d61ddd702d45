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

    /// Without a command: bad usage (exit 2), as the exit codes promise, not the help with exit 0
    /// (`qsl-config --help` prints it).
    func run() async throws {
        throw ValidationError("Name a command, e.g. qsl-config resolve --config-dir DIR.")
    }

    /// Runs the command, mapping argument-parser usage errors to exit code 2, as the command
    /// contract promises (argument-parser itself uses 64).
    ///
    /// Arguments are parsed here, on the main actor; the command then runs, and the process
    /// exits, in ``runAndExit(_:)`` on the concurrency pool. Going back to the main actor only to
    /// call `exit` meant waiting for a thread to serve the main queue, which the runtime started
    /// afresh at that point: about 0.3 ms of every run.
    static func main() async {
        MallocTuning.apply()
        LogLevel.bootstrap()
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(afterFailure: error)
        }
        await runAndExit(command)
    }

    /// Runs `command` and ends the process with its exit status.
    @concurrent
    private nonisolated static func runAndExit(_ command: sending any ParsableCommand) async -> Never {
        var command = command
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(afterFailure: error)
        }
        Glibc.exit(ExitStatus.success)
    }

    /// Ends the process for `error`: a usage error with 2 and its full message, anything else
    /// as argument-parser reports it (an `ExitCode` silently, with its status).
    private nonisolated static func exit(afterFailure error: any Error) -> Never {
        // A command that has already said what it found (`validate` with findings, a rotation
        // due) ends with a bare status; argument-parser's own exit path would first build the
        // whole command tree's help model to learn that there is no message to print.
        if let code = error as? ExitCode { Glibc.exit(code.rawValue) }
        if exitCode(for: error) == .validationFailure {
            printError(fullMessage(for: error))
            Glibc.exit(ExitStatus.badInput)
        }
        exit(withError: error)
    }
}

enum QSLConfigVersion {
    static let current = "0.1.0"
}
