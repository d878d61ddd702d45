import ArgumentParser
import QSLConfig
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#endif

/// The exit codes every command uses.
enum ExitStatus {
    static let success: Int32 = 0
    static let findings: Int32 = 1
    static let badInput: Int32 = 2
    static let awsFailure: Int32 = 3
}

/// Writes text to standard error.
func printError(_ text: String) {
    writeAll(2, text.hasSuffix("\n") ? text : text + "\n")
}

/// Writes text to standard output in one piece, so a failure never leaves half an output.
func printOutput(_ text: String) {
    writeAll(1, text)
}

private func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += written
    }
}

/// Prints diagnostics compiler-style and exits with `status`.
func fail(_ diagnostics: [Diagnostic], status: Int32) -> ExitCode {
    for diagnostic in diagnostics { printError(diagnostic.description) }
    return ExitCode(status)
}

extension ResolutionError {
    var exitCode: ExitCode { fail(diagnostics, status: isStoreFailure ? ExitStatus.awsFailure : ExitStatus.badInput) }
}

extension DiagnosticList {
    var exitCode: ExitCode { fail(diagnostics, status: ExitStatus.badInput) }
}
