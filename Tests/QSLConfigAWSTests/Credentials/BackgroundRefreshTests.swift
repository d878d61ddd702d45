import Foundation
import QSLConfigCore
import QSLConfigTesting
import Synchronization
import Testing

@testable import QSLConfigAWS

/// Refreshing credentials never makes a caller wait while the cached ones are still valid.
@Suite("Credential refresh in the background")
struct BackgroundRefreshTests {
    /// A gate a hung endpoint waits behind: opened by the test, or after 20 s at the latest so a
    /// failing test ends instead of hanging.
    final class Gate: Sendable {
        private let opened = Atomic<Bool>(false)
        var isOpen: Bool { opened.load(ordering: .acquiring) }
        func open() { opened.store(true, ordering: .releasing) }
        func wait() async throws {
            for _ in 0..<2000 where !isOpen { try await Task.sleep(for: .milliseconds(10)) }
            open()
        }
    }

    @Test("inside the refresh window callers get the cached credentials at once while one refresh hangs; after expiry they wait for it")
    func callersDoNotWaitForARefresh() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let expiry = Date(timeIntervalSince1970: 1_800_000_000 + 3600)
        let gate = Gate()
        let inFlight = Atomic<Int>(0)
        let mostInFlight = Atomic<Int>(0)
        let first = CredentialChainTests.metadataDocument(expiration: expiry)
        let second = first.replacingOccurrences(of: "ASIAMETADATA00000001", with: "ASIAMETADATA00000002")
            .replacingOccurrences(of: AWSTimestamp.formatISO8601(expiry), with: AWSTimestamp.formatISO8601(expiry.addingTimeInterval(3600)))
        let transport = ScriptedTransport(
            [.respond(AWSHTTPResponse(status: 200, body: Array(first.utf8)))],
            otherwise: .wait { _ in
                let now = inFlight.add(1, ordering: .sequentiallyConsistent).newValue
                _ = mostInFlight.max(now, ordering: .sequentiallyConsistent)
                defer { inFlight.subtract(1, ordering: .sequentiallyConsistent) }
                try await gate.wait()
                return AWSHTTPResponse(status: 200, body: Array(second.utf8))
            })
        let chain = try TestContexts.scripted(
            transport, environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"], credentials: nil,
            now: { clock.withLock { $0 } }
        ).credentialsProvider

        let cached = try await chain.credentials()
        #expect(cached.accessKeyId == "ASIAMETADATA00000001")

        // Inside the window: every caller returns the cached credentials while the refresh hangs.
        clock.withLock { $0 = expiry.addingTimeInterval(-60) }
        let answeredWhileHung = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let credentials = try await chain.credentials()
                    return (credentials.accessKeyId, !gate.isOpen)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answeredWhileHung.count == 20)
        #expect(answeredWhileHung.allSatisfy { $0.0 == "ASIAMETADATA00000001" })
        #expect(answeredWhileHung.allSatisfy { $0.1 }, "every caller returned before the hung refresh was let go")
        #expect(transport.requests.count == 2, "one refresh, not one per caller")

        // Expired: callers now wait for that same refresh, and get its credentials.
        clock.withLock { $0 = expiry.addingTimeInterval(1) }
        async let waiting = chain.credentials()
        try await Task.sleep(for: .milliseconds(100))
        gate.open()
        #expect(try await waiting.accessKeyId == "ASIAMETADATA00000002")
        #expect(transport.requests.count == 2)
        #expect(mostInFlight.load(ordering: .sequentiallyConsistent) == 1)
    }
}
