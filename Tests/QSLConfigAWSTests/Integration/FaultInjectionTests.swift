import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS
import QSLConfigAWSURLSession

/// Real retries against moto through a proxy that throttles, fails, resets and stalls on cue.
/// Sleeps are recorded rather than waited, so backoff is checked without slowing the tests.
@Suite("Retries through a fault-injecting proxy in front of moto")
struct FaultInjectionTests {
    struct Setup {
        let moto: MotoServer
        let proxy: FaultInjectingProxy
        let sleeps: SleepRecorder
        let secrets: SecretsManagerClient

        func stop() {
            proxy.stop()
            moto.stop()
        }
    }

    static func setUp(
        environment: [String: String] = [:], transport: (any AWSHTTPTransport)? = nil
    ) async throws -> Setup {
        let moto = try await MotoServer.start()
        let proxy = try FaultInjectingProxy(upstreamPort: moto.port, faults: [])
        let sleeps = SleepRecorder()
        let context = try TestContexts.live(
            endpoint: proxy.baseURL, environment: environment, credentials: TestContexts.dummyCredentials,
            sleeps: sleeps, transport: transport)
        let secrets = SecretsManagerClient(context: context)
        _ = try await secrets.createSecret(.init(name: "qsl/fault/secret", secretString: SecretValue("v1")))
        return Setup(moto: moto, proxy: proxy, sleeps: sleeps, secrets: secrets)
    }

    @Test("throttling twice, then success: two backoff sleeps within the jitter ceilings")
    func throttlingThenSuccess() async throws {
        let s = try await Self.setUp()
        defer { s.stop() }
        s.proxy.enqueue([.throttle, .throttle])
        let value = try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        #expect(value.secretString?.unsafeRevealed == "v1")

        let attempts = s.proxy.exchanges.suffix(3)
        #expect(attempts.map(\.fault) == [.throttle, .throttle, .pass])
        #expect(s.sleeps.delays.count == 2)
        #expect(s.sleeps.delays[0] <= .milliseconds(100))
        #expect(s.sleeps.delays[1] <= .milliseconds(200))
    }

    @Test("repeated 500s stop at AWS_MAX_ATTEMPTS with a clear error")
    func repeatedServerErrors() async throws {
        let s = try await Self.setUp()
        defer { s.stop() }
        s.proxy.enqueue(Array(repeating: .serverError, count: 10))
        let error = await #expect(throws: AWSError.self) {
            try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        }
        let failure = try #require(error)
        #expect(failure.attempts == 3)
        #expect(failure.httpStatus == 500)
        #expect(failure.awsErrorCode == "InternalFailure")
        #expect("\(failure)".contains("failed on AWS's side after 3 attempts"))
        #expect(s.proxy.exchanges.count == 1 + 3)  // CreateSecret, then three GetSecretValue attempts
        #expect(s.sleeps.delays.count == 2)
    }

    @Test("AWS_MAX_ATTEMPTS raises the attempt limit")
    func maxAttemptsFromEnvironment() async throws {
        let s = try await Self.setUp(environment: ["AWS_MAX_ATTEMPTS": "5"])
        defer { s.stop() }
        s.proxy.enqueue(Array(repeating: .serverError, count: 4))
        _ = try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        #expect(s.sleeps.delays.count == 4)
        #expect(s.sleeps.delays[3] <= .milliseconds(800))
    }

    @Test("a reset connection is retried")
    func resetConnection() async throws {
        let s = try await Self.setUp()
        defer { s.stop() }
        s.proxy.enqueue([.reset])
        let value = try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        #expect(value.secretString?.unsafeRevealed == "v1")
        #expect(s.proxy.exchanges.suffix(2).map(\.fault) == [.reset, .pass])
        #expect(s.sleeps.delays.count == 1)
    }

    @Test("a response stalled past the timeout is retried, and gives up as timed out")
    func stalledResponse() async throws {
        let short = URLSessionTransport(connectTimeout: .seconds(2), requestTimeout: .seconds(4))
        let s = try await Self.setUp(transport: short)
        defer { s.stop() }

        // On a loaded machine moto's first answer (set-up's CreateSecret) may itself time out and
        // be retried, so count from here rather than assume set-up took one exchange.
        let before = s.proxy.exchanges.count
        s.proxy.enqueue([.stall(.seconds(8))])
        let value = try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        #expect(value.secretString?.unsafeRevealed == "v1")
        // The stalled attempt timed out and was retried. (On a loaded machine a slow moto may
        // cost one more timeout, so this checks "at least one retry", not exactly one.)
        #expect(s.proxy.exchanges.dropFirst(before).first?.fault == .stall(.seconds(8)))
        #expect(s.sleeps.delays.count >= 1)

        s.proxy.enqueue(Array(repeating: .stall(.seconds(8)), count: 3))
        let error = await #expect(throws: AWSError.self) {
            try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        }
        #expect(error?.kind == .timedOut)
        #expect(error?.attempts == 3)
        #expect("\(error!)".contains("timed out after 3 attempts"))
    }

    @Test("a PutSecretValue whose response is lost is retried with the same token and stored once",
          arguments: [FaultInjectingProxy.Fault.forwardThenServerError, .forwardThenReset])
    func retriedWriteIsNotDuplicated(_ fault: FaultInjectingProxy.Fault) async throws {
        let s = try await Self.setUp()
        defer { s.stop() }
        s.proxy.enqueue([fault])
        let put = try await s.secrets.putSecretValue(.init(secretId: "qsl/fault/secret", secretString: SecretValue("v2")))

        let attempts = s.proxy.exchanges.suffix(2)
        #expect(attempts.allSatisfy { $0.forwarded })  // both attempts reached moto
        let tokens = attempts.map { exchange -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(exchange.request.body)) as? [String: Any]
            return object?["ClientRequestToken"] as? String
        }
        #expect(tokens[0] != nil)
        #expect(tokens[0] == tokens[1])
        #expect(put.versionId == tokens[0])

        let versions = try await s.secrets.listAllSecretVersionIds(.init(secretId: "qsl/fault/secret", includeDeprecated: true))
        #expect(versions.count == 2)  // the CreateSecret version and exactly one PutSecretValue version
        #expect(versions.first { $0.versionId == put.versionId }?.versionStages == ["AWSCURRENT"])
    }
}
