import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

@Suite("Standard retry mode")
struct RetryTests {
    static let okSecret = AWSHTTPResponse.json(status: 200, #"{"Name":"s","SecretString":"v","VersionStages":["AWSCURRENT"]}"#)

    func client(_ transport: ScriptedTransport, sleeps: SleepRecorder, random: Double = 0.5, environment: [String: String] = [:]) throws -> SecretsManagerClient {
        SecretsManagerClient(context: try TestContexts.scripted(transport, sleeps: sleeps, environment: environment, random: { random }))
    }

    @Test("backoff ceilings double from the base and stop at 20 s")
    func ceilings() {
        let strategy = RetryStrategy()
        #expect((1...10).map { strategy.backoffCeiling(afterAttempt: $0) } == [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
            .milliseconds(3200), .milliseconds(6400), .milliseconds(12800), .seconds(20), .seconds(20),
        ])
        #expect(strategy.backoffCeiling(afterAttempt: 80) == .seconds(20))
        #expect(strategy.delay(afterAttempt: 3, unitRandom: 0.25) == .milliseconds(100))
        #expect(strategy.delay(afterAttempt: 3, unitRandom: 0) == .zero)
    }

    @Test("throttling codes and 5xx are retried with full-jitter sleeps", arguments: [
        AWSHTTPResponse.json(status: 400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
        .json(status: 400, #"{"__type":"com.amazonaws.secretsmanager#TooManyRequestsException","message":"slow"}"#),
        .json(status: 400, #"{"__type":"ProvisionedThroughputExceededException"}"#),
        .xml(status: 400, "<ErrorResponse><Error><Code>RequestLimitExceeded</Code><Message>x</Message></Error></ErrorResponse>"),
        .json(status: 503, "{}"),
        .json(status: 500, #"{"__type":"InternalFailure"}"#),
        AWSHTTPResponse(status: 429),
    ])
    func retriedResponses(_ failure: AWSHTTPResponse) async throws {
        let transport = ScriptedTransport([.respond(failure), .respond(failure), .respond(Self.okSecret)])
        let sleeps = SleepRecorder()
        let value = try await client(transport, sleeps: sleeps).getSecretValue(.init(secretId: "s"))
        #expect(value.secretString?.unsafeRevealed == "v")
        #expect(transport.requests.count == 3)
        #expect(sleeps.delays == [.milliseconds(50), .milliseconds(100)])
    }

    @Test("timeouts and connection failures are retried", arguments: [AWSTransportError.Kind.timedOut, .connectionFailed])
    func retriedTransportFailures(_ kind: AWSTransportError.Kind) async throws {
        let transport = ScriptedTransport([
            .fail(AWSTransportError(kind: kind, host: "h", reason: "simulated")), .respond(Self.okSecret),
        ])
        let sleeps = SleepRecorder()
        _ = try await client(transport, sleeps: sleeps).getSecretValue(.init(secretId: "s"))
        #expect(transport.requests.count == 2)
        #expect(sleeps.delays.count == 1)
    }

    /// A transport failure that cancels the task making the call, as a cancelled request does.
    static let cancelsItsTask = ScriptedTransport.Step.handle { request in
        withUnsafeCurrentTask { $0?.cancel() }
        throw AWSTransportError(kind: .connectionFailed, host: request.hostHeader, reason: "cancelled")
    }

    @Test("a call whose task is cancelled ends with CancellationError: not retried, not an AWSError", arguments: ["1", "3"])
    func cancellationIsNotRetried(_ maxAttempts: String) async throws {
        let transport = ScriptedTransport(otherwise: Self.cancelsItsTask)
        let sleeps = SleepRecorder()
        let secrets = try client(transport, sleeps: sleeps, environment: ["AWS_MAX_ATTEMPTS": maxAttempts])
        let result = await Task { try await secrets.getSecretValue(.init(secretId: "s")) }.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(transport.requests.count == 1)
        #expect(sleeps.delays.isEmpty)
    }

    @Test("the metadata endpoints share the retry loop: cancellation ends it, it is not a credential failure", arguments: ["1", "3"])
    func metadataCancellation(_ maxAttempts: String) async throws {
        let transport = ScriptedTransport(otherwise: Self.cancelsItsTask)
        let sleeps = SleepRecorder()
        let chain = try TestContexts.scripted(
            transport, sleeps: sleeps,
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_MAX_ATTEMPTS": maxAttempts],
            credentials: nil
        ).credentialsProvider
        let result = await Task { try await chain.credentials() }.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(transport.requests.count == 1)
        #expect(sleeps.delays.isEmpty)
    }

    @Test("other 4xx errors are returned at once", arguments: [
        "AccessDeniedException", "ResourceNotFoundException", "ValidationException", "ExpiredTokenException",
    ])
    func notRetried(_ code: String) async throws {
        let transport = ScriptedTransport([.respond(.json(status: 400, #"{"__type":"\#(code)","message":"no"}"#))], otherwise: .respond(Self.okSecret))
        let sleeps = SleepRecorder()
        let error = await #expect(throws: AWSError.self) {
            try await client(transport, sleeps: sleeps).getSecretValue(.init(secretId: "s"))
        }
        #expect(error?.awsErrorCode == code)
        #expect(error?.attempts == 1)
        #expect(transport.requests.count == 1)
        #expect(sleeps.delays.isEmpty)
    }

    @Test("the attempt limit comes from AWS_MAX_ATTEMPTS and the final error says how many were made")
    func limit() async throws {
        let failure = AWSHTTPResponse.json(status: 400, #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#)
        let transport = ScriptedTransport(otherwise: .respond(failure))
        let sleeps = SleepRecorder()
        let error = await #expect(throws: AWSError.self) {
            try await client(transport, sleeps: sleeps, random: 1, environment: ["AWS_MAX_ATTEMPTS": "4"]).getSecretValue(.init(secretId: "s"))
        }
        #expect(transport.requests.count == 4)
        #expect(sleeps.delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        #expect(error?.attempts == 4)
        #expect(error?.isThrottling == true)
        #expect("\(error!)".contains("AWS throttled Secrets Manager GetSecretValue after 4 attempts"))
    }

    @Test("every attempt is signed afresh, and a write keeps one ClientRequestToken across attempts")
    func writesReuseToken() async throws {
        let transport = ScriptedTransport([
            .respond(.json(status: 500, "{}")),
            .fail(AWSTransportError(kind: .connectionFailed, host: "h", reason: "reset")),
            .respond(.json(status: 200, #"{"Name":"s","VersionId":"v","VersionStages":["AWSCURRENT"]}"#)),
        ])
        let sleeps = SleepRecorder()
        _ = try await client(transport, sleeps: sleeps).putSecretValue(.init(secretId: "s", secretString: SecretValue("new")))
        let tokens = transport.requests.map { request -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            return object?["ClientRequestToken"] as? String
        }
        #expect(tokens.count == 3)
        #expect(tokens[0] != nil && Set(tokens).count == 1)
        #expect(transport.requests.allSatisfy { $0.headers["Authorization"] != nil })

        let second = ScriptedTransport(otherwise: .respond(.json(status: 200, "{}")))
        _ = try await client(second, sleeps: sleeps).createSecret(.init(name: "n", secretString: SecretValue("x")))
        let createToken = (try JSONSerialization.jsonObject(with: Data(second.requests[0].body)) as? [String: Any])?["ClientRequestToken"] as? String
        #expect(createToken != nil)
        #expect(createToken != tokens[0])
    }
}
