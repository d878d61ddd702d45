import Foundation
import Testing

@testable import QSLConfigAWS

#if canImport(Glibc)
import Glibc
#endif

/// `credential_process` helpers start with a clean signal state, whatever the caller's.
@Suite("credential_process spawning")
struct CredentialProcessSpawnTests {
    /// Fails (exit 3, saying why) if it inherited SIGCHLD blocked or SIGUSR1 ignored; otherwise
    /// waits for a background job of its own, as wrapper scripts do, and prints credentials.
    static let helper = #"""
        state=$(cat /proc/$$/status)
        blocked=$(echo "$state" | awk '/^SigBlk/ {print $2}')
        ignored=$(echo "$state" | awk '/^SigIgn/ {print $2}')
        if [ $(( 0x$blocked & 0x10000 )) -ne 0 ]; then echo "inherited a blocked SIGCHLD" >&2; exit 3; fi
        if [ $(( 0x$ignored & 0x200 )) -ne 0 ]; then echo "inherited an ignored SIGUSR1" >&2; exit 3; fi
        sleep 0.1 &
        wait $!
        echo '{"Version":1,"AccessKeyId":"AKIDPROCESS000000001","SecretAccessKey":"process-secret"}'
        """#

    @Test("a helper that waits for its own background job works from a thread that blocks SIGCHLD in a process that ignores SIGUSR1")
    func cleanSignalState() async throws {
        let previous = signal(SIGUSR1, SIG_IGN)
        defer { signal(SIGUSR1, previous) }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let (status, stdout, stderr) = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                var childSignal = sigset_t()
                sigemptyset(&childSignal)
                sigaddset(&childSignal, SIGCHLD)
                pthread_sigmask(SIG_BLOCK, &childSignal, nil)
                continuation.resume(with: Result {
                    try CredentialProcess.runBlocking(
                        command: Self.helper, environment: environment, profile: "signals",
                        limits: CredentialProcess.Limits(deadline: .seconds(20)))
                })
            }
            thread.start()
        }
        #expect(status == 0, "stderr: \(String(decoding: stderr, as: UTF8.self))")
        #expect(String(decoding: stdout, as: UTF8.self).contains("AKIDPROCESS000000001"))
    }

    @Test("the exit status and a killing signal are reported as the shell would")
    func exitStatus() throws {
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        #expect(try CredentialProcess.runBlocking(command: "exit 7", environment: environment, profile: "p", limits: .init()).0 == 7)
        #expect(try CredentialProcess.runBlocking(command: "kill -TERM $$", environment: environment, profile: "p", limits: .init()).0 == 128 + SIGTERM)
    }
}
