import Foundation
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a profile's `credential_process` and reads its JSON (`Version: 1`, `AccessKeyId`,
/// `SecretAccessKey`, optional `SessionToken` and `Expiration`).
///
/// The command runs through `/bin/sh -c` with the chain's environment. Its output holds
/// secrets, so no error ever quotes stdout; stderr is quoted (trimmed) to explain failures.
/// Command lines often carry tokens too, so errors name the profile, never the command.
/// A helper that hangs or floods stdout is killed (with everything it started) rather than
/// holding up every AWS call: see ``Limits``.
enum CredentialProcess {
    private struct Output: Decodable {
        var Version: Int
        var AccessKeyId: String
        var SecretAccessKey: String
        var SessionToken: String?
        var Expiration: String?
    }

    /// How long the command may run and how much it may print.
    struct Limits: Sendable {
        var deadline: Duration = .seconds(60)
        /// The credentials document is a few hundred bytes; 64 KiB leaves room for any helper.
        var maxOutputBytes = 64 * 1024
    }

    /// Why a command was stopped.
    private enum Stop: Error {
        case timedOut, outputTooLarge
    }

    /// Runs profile `profile`'s `command`; the credentials' source is `profile NAME (credential_process)`.
    static func run(
        command: String, environment: [String: String], profile: String, limits: Limits = Limits()
    ) async throws -> AWSCredentials {
        let source = "profile \(profile) (credential_process)"
        let (status, stdout, stderr): (Int32, [UInt8], [UInt8])
        do {
            (status, stdout, stderr) = try await execute(command: command, environment: environment, profile: profile, limits: limits)
        } catch Stop.timedOut {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "The credential_process of profile \(profile) did not finish within \(limits.deadline) and was stopped; run it by hand to see why it hangs.")
        } catch Stop.outputTooLarge {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "The credential_process of profile \(profile) printed more than \(limits.maxOutputBytes) bytes and was stopped; it should print one JSON credentials document.")
        }
        guard status == 0 else {
            let detail = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "The credential_process of profile \(profile) exited with status \(status)\(detail.isEmpty ? "" : ": " + String(detail.prefix(300))); run it by hand to see why.")
        }
        guard let output = try? JSONDecoder().decode(Output.self, from: Data(stdout)) else {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "The credential_process of profile \(profile) did not print JSON with Version, AccessKeyId and SecretAccessKey; fix the command's output.")
        }
        guard output.Version == 1 else {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "The credential_process of profile \(profile) printed Version \(output.Version); only Version 1 is supported.")
        }
        return AWSCredentials(
            accessKeyId: output.AccessKeyId,
            secretAccessKey: SecretValue(output.SecretAccessKey),
            sessionToken: output.SessionToken.map(SecretValue.init),
            expiration: output.Expiration.flatMap(AWSTimestamp.parseISO8601),
            source: source)
    }

    /// Runs the command on its own thread (it blocks), reading both pipes as bytes arrive, and
    /// returns its exit status, stdout and stderr. Throws ``Stop`` after killing the command when
    /// the deadline passes or stdout outgrows its limit: `Process` starts the child in its own
    /// process group, so whatever it started is killed with it.
    private static func execute(
        command: String, environment: [String: String], profile: String, limits: Limits
    ) async throws -> (Int32, [UInt8], [UInt8]) {
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
                let deadline = ContinuousClock.now + limits.deadline
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: AWSCredentialsError(
                        .sourceFailed, source: "profile \(profile) (credential_process)",
                        "Could not start the credential_process of profile \(profile): \(error)."))
                    return
                }
                do {
                    let (stdout, stderr) = try readPipes(
                        stdout: out.fileHandleForReading.fileDescriptor, stderr: err.fileHandleForReading.fileDescriptor,
                        until: deadline, maxOutputBytes: limits.maxOutputBytes)
                    // A command may close its pipes and carry on; it still has to end by the deadline.
                    while process.isRunning {
                        guard ContinuousClock.now < deadline else { throw Stop.timedOut }
                        usleep(10_000)
                    }
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, stdout, stderr))
                } catch {
                    let pid = process.processIdentifier
                    kill(getpgid(pid) == pid ? -pid : pid, SIGKILL)
                    process.waitUntilExit()
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// Reads stdout and stderr together until both close. Only the first `maxOutputBytes` of
    /// stderr are kept, but it is drained to the end so the command never blocks writing to it.
    private static func readPipes(
        stdout: Int32, stderr: Int32, until deadline: ContinuousClock.Instant, maxOutputBytes: Int
    ) throws(Stop) -> (stdout: [UInt8], stderr: [UInt8]) {
        var output: [[UInt8]] = [[], []]
        var descriptors = [stdout, stderr].map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while descriptors.contains(where: { $0.fd >= 0 }) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw .timedOut }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            if poll(&descriptors, nfds_t(descriptors.count), milliseconds) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let got = chunk.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if got > 0 {
                    if index == 0 || output[1].count < maxOutputBytes { output[index] += chunk[0..<got] }
                    if output[0].count > maxOutputBytes { throw .outputTooLarge }
                } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
                    descriptors[index].fd = -1  // poll skips negative descriptors
                }
            }
        }
        return (output[0], output[1])
    }
}
