import Foundation
@testable import QSLConfigAWS
import QSLConfigCore
import Synchronization
import Testing

/// The threads the transports and `credential_process` block on, and the small replacements of
/// Foundation calls in the AWS client.
@Suite("blocking threads and Foundation-free helpers")
struct BlockingThreadTests {
    struct Failure: Error, Equatable {}

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test("work runs on a thread of its own and hands back its value or its error")
    func valueAndError() async throws {
        let caller = pthread_self()
        let onOtherThread = try await BlockingThread.run { pthread_equal(pthread_self(), caller) == 0 }
        #expect(onOtherThread)
        await #expect(throws: Failure.self) { try await BlockingThread.run { () throws -> Int in throw Failure() } }
    }

    @Test("many blocked calls at once never starve the cooperative pool: each waits until all have started")
    func manyBlockedAtOnce() async throws {
        let count = 4 * max(ProcessInfo.processInfo.activeProcessorCount, 2)
        let started = Counter()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    try await BlockingThread.run {
                        started.value.add(1, ordering: .relaxed)
                        let deadline = ContinuousClock.now + .seconds(10)
                        while started.value.load(ordering: .relaxed) < count {
                            guard ContinuousClock.now < deadline else { return false }
                            usleep(1000)
                        }
                        return true
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == count && results.allSatisfy { $0 }, "a blocked call held a cooperative thread")
    }

    @Test("without HOME the shared files are under the password database's home directory")
    func homeWithoutHOME() throws {
        let entry = try #require(getpwuid(geteuid()))
        let home = String(cString: entry.pointee.pw_dir)
        #expect(SharedConfigFiles.passwordDatabaseHome() == home)
        #expect(SharedConfigFiles.paths(environment: [:]).config == home + "/.aws/config")
        #expect(SharedConfigFiles.paths(environment: ["HOME": "/h"]).credentials == "/h/.aws/credentials")
    }
}
