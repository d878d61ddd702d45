import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS
@testable import QSLConfigAWSURLSession

@Suite("URLSession transport")
struct URLSessionTransportTests {
    /// Starts `body` in its own task against a server that never answers, cancels it once the
    /// request is in flight, and returns how it ended.
    static func cancelledWhileWaiting<T: Sendable>(
        _ body: @escaping @Sendable (String) async throws -> T
    ) async throws -> Result<T, any Error> {
        // Longer than any deadline below: the cancellation must come first even when a machine
        // busy with other tests takes minutes to get to it.
        let server = try LocalHTTPServer { _ in .stall(.seconds(900)) }
        defer { server.stop() }
        let task = Task { try await body(server.baseURL) }
        for _ in 0..<100 where server.requests.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        return await task.result
    }

    @Test("cancelling the task cancels the request with CancellationError, not a connection failure")
    func cancellation() async throws {
        let transport = URLSessionTransport(connectTimeout: .seconds(600), requestTimeout: .seconds(600))
        let result = try await Self.cancelledWhileWaiting { base in
            try await transport.send(try #require(AWSHTTPRequest(getting: base + "/latest")))
        }
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test("a cancelled AWS call is neither retried nor reported as a connection failure, whatever the attempts left", arguments: ["1", "3"])
    func cancelledCall(_ maxAttempts: String) async throws {
        let sleeps = SleepRecorder()
        let result = try await Self.cancelledWhileWaiting { base in
            let context = try TestContexts.live(
                endpoint: base, environment: ["AWS_MAX_ATTEMPTS": maxAttempts], credentials: TestContexts.dummyCredentials,
                sleeps: sleeps, transport: URLSessionTransport(connectTimeout: .seconds(600), requestTimeout: .seconds(600)))
            return try await SecretsManagerClient(context: context).getSecretValue(.init(secretId: "s"))
        }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(sleeps.delays.isEmpty)
    }

    @Test("URLError.cancelled and CancellationError classify as cancellation; other failures as transport errors")
    func classification() {
        #expect(URLSessionTransport.classify(URLError(.cancelled), host: "h") is CancellationError)
        #expect(URLSessionTransport.classify(CancellationError(), host: "h") is CancellationError)
        #expect((URLSessionTransport.classify(URLError(.timedOut), host: "h") as? AWSTransportError)?.kind == .timedOut)
        #expect((URLSessionTransport.classify(URLError(.cannotConnectToHost), host: "h") as? AWSTransportError)?.kind == .connectionFailed)
    }

    @Test("a connect timeout under one second, which Linux's URLSession truncates to zero, is refused")
    func subSecondTimeout() async {
        await #expect(processExitsWith: .failure) {
            _ = URLSessionTransport(connectTimeout: .milliseconds(500))
        }
    }
}
