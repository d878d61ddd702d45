import Foundation
import Synchronization
import QSLConfigCore

/// Runs a profile's `credential_process` and reads its JSON (`Version: 1`, `AccessKeyId`,
/// `SecretAccessKey`, optional `SessionToken` and `Expiration`).
///
/// The command runs through `/bin/sh -c` with the chain's environment. Its output holds
/// secrets, so no error ever quotes stdout; stderr is quoted (trimmed) to explain failures.
enum CredentialProcess {
    private struct Output: Decodable {
        var Version: Int
        var AccessKeyId: String
        var SecretAccessKey: String
        var SessionToken: String?
        var Expiration: String?
    }

    static func run(command: String, environment: [String: String], source: String) async throws -> AWSCredentials {
        let (status, stdout, stderr) = try await execute(command: command, environment: environment, source: source)
        guard status == 0 else {
            let detail = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "credential_process `\(command)` exited with status \(status)\(detail.isEmpty ? "" : ": " + String(detail.prefix(300))); run it by hand to see why.")
        }
        guard let output = try? JSONDecoder().decode(Output.self, from: Data(stdout)) else {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "credential_process `\(command)` did not print JSON with Version, AccessKeyId and SecretAccessKey; fix the command's output.")
        }
        guard output.Version == 1 else {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "credential_process `\(command)` printed Version \(output.Version); only Version 1 is supported.")
        }
        return AWSCredentials(
            accessKeyId: output.AccessKeyId,
            secretAccessKey: SecretValue(output.SecretAccessKey),
            sessionToken: output.SessionToken.map(SecretValue.init),
            expiration: output.Expiration.flatMap(AWSTimestamp.parseISO8601),
            source: source)
    }

    /// Runs the command on its own thread (it blocks) and collects both pipes.
    private static func execute(command: String, environment: [String: String], source: String) async throws -> (Int32, [UInt8], [UInt8]) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command]
                process.environment = environment
                let out = Pipe()
                let err = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: AWSCredentialsError(
                        .sourceFailed, source: source, "Could not start credential_process `\(command)`: \(error)."))
                    return
                }
                // Read stderr concurrently so a chatty command cannot fill one pipe while we wait on the other.
                let errorBytes = ByteBox()
                let stderrDone = DispatchSemaphore(value: 0)
                Thread {
                    let bytes = Array(err.fileHandleForReading.readDataToEndOfFile())
                    errorBytes.bytes.withLock { $0 = bytes }
                    stderrDone.signal()
                }.start()
                let outputBytes = Array(out.fileHandleForReading.readDataToEndOfFile())
                process.waitUntilExit()
                stderrDone.wait()
                continuation.resume(returning: (process.terminationStatus, outputBytes, errorBytes.bytes.withLock { $0 }))
            }
            thread.start()
        }
    }

    private final class ByteBox: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }
}
