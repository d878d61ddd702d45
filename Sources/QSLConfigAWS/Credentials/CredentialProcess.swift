#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
            let detail = String(decoding: stderr, as: UTF8.self).trimmingWhitespaceAndNewlines()
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

    /// Runs the command on its own thread (it blocks) and returns its exit status (128 + the
    /// signal's number if a signal ended it), stdout and stderr. Throws ``Stop`` after killing the
    /// command when the deadline passes or stdout outgrows its limit.
    private static func execute(
        command: String, environment: [String: String], profile: String, limits: Limits
    ) async throws -> (Int32, [UInt8], [UInt8]) {
        do {
            return try await BlockingThread.run {
                try runBlocking(command: command, environment: environment, profile: profile, limits: limits)
            }
        } catch let error as BlockingThread.StartError {
            throw AWSCredentialsError(
                .sourceFailed, source: "profile \(profile) (credential_process)",
                "Could not start the credential_process of profile \(profile): \(error).")
        }
    }

    /// The blocking part of ``execute(command:environment:profile:limits:)``, on the calling thread.
    ///
    /// The command is spawned with `posix_spawn` as `/bin/sh -c COMMAND`: in a process group of its
    /// own (so whatever it started is killed with it), stdin from `/dev/null`, no descriptor of
    /// ours but the two pipes, an empty signal mask and every signal at its default disposition.
    /// Without the last two a helper inherits whatever this thread blocks or this process ignores
    /// (SIGCHLD, say), and a shell's `wait` for its own background job never returns.
    static func runBlocking(
        command: String, environment: [String: String], profile: String, limits: Limits
    ) throws -> (Int32, [UInt8], [UInt8]) {
        let deadline = ContinuousClock.now + limits.deadline
        let source = "profile \(profile) (credential_process)"
        func startFailure(_ reason: String) -> AWSCredentialsError {
            AWSCredentialsError(.sourceFailed, source: source, "Could not start the credential_process of profile \(profile): \(reason).")
        }
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard makePipe(&output) else { throw startFailure("pipe: \(String(cString: strerror(errno)))") }
        guard makePipe(&errors) else {
            let reason = String(cString: strerror(errno))
            output.forEach { close($0) }
            throw startFailure("pipe: \(reason)")
        }
        let pid: pid_t
        do {
            pid = try spawnShell(command: command, environment: environment, stdout: output[1], stderr: errors[1])
        } catch {
            (output + errors).forEach { close($0) }
            throw startFailure(error.reason)
        }
        close(output[1])
        close(errors[1])
        defer {
            close(output[0])
            close(errors[0])
        }
        do {
            let (stdout, stderr) = try readPipes(stdout: output[0], stderr: errors[0], until: deadline, maxOutputBytes: limits.maxOutputBytes)
            // A command may close its pipes and carry on; it still has to end by the deadline.
            let status = try waitForExit(pid, until: deadline)
            return (status, stdout, stderr)
        } catch {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            throw error
        }
    }

    /// A pipe whose two ends close on exec (the child gets its copies through `dup2`).
    private static func makePipe(_ descriptors: inout [Int32]) -> Bool {
        guard pipe(&descriptors) == 0 else { return false }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return true
    }

    private struct SpawnFailure: Error {
        var reason: String
    }

    /// Starts `/bin/sh -c command` (see ``runBlocking(command:environment:profile:limits:)``).
    private static func spawnShell(command: String, environment: [String: String], stdout: Int32, stderr: Int32) throws(SpawnFailure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        sigdelset(&everySignal, SIGKILL)
        sigdelset(&everySignal, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let words: [String] = ["/bin/sh", "-c", command]
        let pairs: [String] = environment.map { "\($0.key)=\($0.value)" }
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0) } + [nil]
        defer {
            for pointer in arguments + variables { free(pointer) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, variables)
        guard result == 0 else { throw SpawnFailure(reason: "posix_spawn /bin/sh: \(String(cString: strerror(result)))") }
        return pid
    }

    /// The exit status of `pid` (128 + the signal's number when a signal ended it; 0 when this
    /// process ignores SIGCHLD and the status is lost), once it has ended; throws ``Stop/timedOut`` when it is still running at the deadline. Checks every
    /// 10 ms, sleeping in between: by now the command has closed its output, so it is ending.
    private static func waitForExit(_ pid: pid_t, until deadline: ContinuousClock.Instant) throws(Stop) -> Int32 {
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
            }
            // ECHILD: this process ignores SIGCHLD, so the kernel reaped the command itself and its
            // status is gone; what it printed decides (a failed helper prints no credentials).
            if reaped < 0 && errno == ECHILD { return 0 }
            if reaped < 0 && errno != EINTR { return 128 }
            guard ContinuousClock.now < deadline else { throw .timedOut }
            _ = poll(nil, 0, 10)
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
