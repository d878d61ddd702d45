import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS
import QSLConfigAWSURLSession

/// The limits ``URLSessionTransport`` enforces itself on Linux: the whole-exchange deadline, the
/// response body cap, and IPv6 literal endpoints. Each limit is checked through `URLSession` and
/// through the plain-HTTP socket client (`sockets`).
@Suite("URLSession transport limits")
struct TransportLimitsTests {
    static func get(_ transport: URLSessionTransport, _ url: String) async throws -> AWSHTTPResponse {
        try await transport.send(try #require(AWSHTTPRequest(getting: url)))
    }

    /// Waits (up to a minute) until `hangUps` holds `count` entries, and returns them.
    static func hangUps(_ hangUps: () -> [Duration], count: Int = 1) async throws -> [Duration] {
        for _ in 0..<600 where hangUps().count < count { try await Task.sleep(for: .milliseconds(100)) }
        return hangUps()
    }

    static func transportError(_ body: () async throws -> AWSHTTPResponse) async -> AWSTransportError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error as? AWSTransportError
        }
    }

    @Test("a response trickling in one byte a second fails as timed out at the deadline, not at the idle timeout", arguments: [false, true])
    func trickleHitsTheDeadline(sockets: Bool) async throws {
        let server = try LocalHTTPServer { _ in
            .trickle(AWSHTTPResponse(status: 200, body: Array(repeating: UInt8(ascii: "a"), count: 600)), every: .seconds(1))
        }
        defer { server.stop() }
        let transport = URLSessionTransport(connectTimeout: .seconds(5), requestTimeout: .seconds(2), plainHTTPOverSockets: sockets)
        let error = await Self.transportError { try await Self.get(transport, server.baseURL + "/slow") }
        #expect(error?.kind == .timedOut, "got \(String(describing: error))")
        #expect(error?.host == "127.0.0.1:\(server.port)")
        #expect("\(error.map { "\($0)" } ?? "")".contains("deadline for the whole exchange"))
        // When the client let go, as the server saw it (a second or two after the close, at the
        // next byte it tried to send): after the 2 s deadline, and long before the 600 bytes
        // would have trickled in (600 s), which is when a client without a deadline would let go:
        // the idle timeout never fires. The bound is loose: a fresh-clone CI run under load once
        // saw 15.04 s, when the libcurl client had taken longer to close the socket.
        let hangUp = try #require(try await Self.hangUps { server.hangUps }.first)
        #expect(hangUp >= .milliseconds(1900))
        #expect(hangUp < .seconds(60), "the client let go after \(hangUp)")
    }

    @Test("a body without Content-Length that never ends is abandoned past the cap", arguments: [false, true])
    func endlessBodyIsCapped(sockets: Bool) async throws {
        let server = try LocalHTTPServer { _ in .endless(status: 200, limit: 1 << 30) }
        defer { server.stop() }
        let transport = URLSessionTransport(requestTimeout: .seconds(60), maxResponseBytes: 1 << 20, plainHTTPOverSockets: sockets)
        let error = await Self.transportError { try await Self.get(transport, server.baseURL + "/flood") }
        #expect(error?.kind == .responseTooLarge, "got \(String(describing: error))")
        #expect("\(error.map { "\($0)" } ?? "")".contains("exceeded the limit of 1048576 bytes"))
    }

    @Test("a declared Content-Length over the cap is refused; a body of exactly the cap is read", arguments: [false, true])
    func declaredLengthOverTheCap(sockets: Bool) async throws {
        let server = try LocalHTTPServer { request in
            .response(AWSHTTPResponse(status: 200, body: Array(repeating: UInt8(ascii: "b"), count: request.path == "/big" ? 1001 : 1000)))
        }
        defer { server.stop() }
        let transport = URLSessionTransport(maxResponseBytes: 1000, plainHTTPOverSockets: sockets)
        let error = await Self.transportError { try await Self.get(transport, server.baseURL + "/big") }
        #expect(error?.kind == .responseTooLarge, "got \(String(describing: error))")
        #expect(try await Self.get(transport, server.baseURL + "/fits").body.count == 1000)
    }

    @Test("the socket client: a body cut short of its Content-Length is a connection failure; a whole one is read with its headers")
    func socketClientFraming() async throws {
        let server = try LocalHTTPServer { request in
            let response = AWSHTTPResponse(status: 201, headers: ["X-Echo": request.headers["X-Probe"] ?? "none"], body: Array("abcdef".utf8))
            return request.path == "/cut" ? .truncated(response, declaredLength: 100) : .response(response)
        }
        defer { server.stop() }
        let transport = URLSessionTransport(plainHTTPOverSockets: true)
        let error = await Self.transportError { try await Self.get(transport, server.baseURL + "/cut") }
        #expect(error?.kind == .connectionFailed, "got \(String(describing: error))")
        #expect("\(error.map { "\($0)" } ?? "")".contains("94 bytes before the end of the body"))

        var request = try #require(AWSHTTPRequest(getting: server.baseURL + "/whole?x=1"))
        request.headers.add(name: "X-Probe", value: "p1")
        let response = try await transport.send(request)
        #expect(response.status == 201)
        #expect(response.headers["X-Echo"] == "p1")
        #expect(response.body == Array("abcdef".utf8))
        #expect(server.requests.last?.target == "/whole?x=1")
        #expect(server.requests.last?.headers["Host"] == "127.0.0.1:\(server.port)")
    }

    @Test("an AWS call whose response outgrows the cap fails at once as a malformed response naming the host")
    func awsCallOverTheCap() async throws {
        let server = try LocalHTTPServer { _ in .endless(status: 200, limit: 1 << 30) }
        defer { server.stop() }
        let context = try TestContexts.live(
            endpoint: server.baseURL, credentials: TestContexts.dummyCredentials, sleeps: SleepRecorder(),
            transport: URLSessionTransport(maxResponseBytes: 256 << 10))
        let error = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(context: context).getSecretValue(.init(secretId: "qsl/big"))
        }
        #expect(error?.kind == .malformedResponse)
        #expect(error?.attempts == 1)
        #expect("\(error!)".contains("the response from 127.0.0.1:\(server.port) was too large"))
        #expect(server.requests.count == 1)
    }

    @Test("the live metadata transport caps container credentials responses at 64 KiB")
    func metadataCap() async throws {
        let server = try LocalHTTPServer { _ in .endless(status: 200, limit: 64 << 20) }
        defer { server.stop() }
        var environment = TestContexts.isolatedEnvironment
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server.baseURL + "/v2/credentials/x"
        let context = try AWSContext(
            region: "us-east-1", environment: environment,
            runtime: AWSRuntime.live(retry: RetryStrategy()))
        let error = await #expect(throws: AWSCredentialsError.self) { try await context.credentialsProvider.credentials() }
        #expect(error?.kind == .sourceFailed)
        #expect("\(error!)".contains("sent more than a credentials document can hold"))
        #expect("\(error!)".contains("\(URLSessionTransport.metadataMaxResponseBytes) bytes"))
    }

    @Test("the live metadata transport gives up on a silent credentials endpoint after 1 s without a byte, not at its 5 s deadline")
    func metadataIdleTimeout() async throws {
        let server = try LocalHTTPServer { _ in .stall(.seconds(20)) }
        defer { server.stop() }
        var environment = TestContexts.isolatedEnvironment
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server.baseURL + "/v2/credentials/x"
        environment["AWS_MAX_ATTEMPTS"] = "1"
        let context = try AWSContext(region: "us-east-1", environment: environment, runtime: AWSRuntime.live(retry: RetryStrategy(maxAttempts: 1)))
        let error = await #expect(throws: AWSCredentialsError.self) { try await context.credentialsProvider.credentials() }
        #expect(error?.kind == .sourceFailed)
        #expect("\(error!)".contains("no byte sent or received for 1.0 seconds"), "\(error!)")
    }

    @Test("QSL_HTTP_TIMEOUT sets the live transport's deadline; the metadata deadline never exceeds it")
    func timeoutSetting() throws {
        #expect(try AWSRuntime.requestTimeout(environment: [:]) == nil)
        #expect(try AWSRuntime.requestTimeout(environment: ["QSL_HTTP_TIMEOUT": "2.5"]) == .milliseconds(2500))
        let live = AWSRuntime.live(retry: RetryStrategy(), requestTimeout: .seconds(2))
        #expect((live.transport as? CurlTransport)?.requestTimeout == .seconds(2))
        let metadata = try #require(live.metadataTransport as? MetadataTransport)
        #expect(metadata.plain.requestTimeout == .seconds(2) && metadata.secure.requestTimeout == .seconds(2))
        #expect(metadata.plain.maxResponseBytes == 64 << 10 && metadata.secure.maxResponseBytes == 64 << 10)
        #expect(metadata.plain.idleTimeout == .seconds(1) && metadata.secure.idleTimeout == .seconds(1))
        for bad in ["", "abc", "0.9", "1e3", "3601"] {
            #expect(throws: AWSConfigurationError.self) { try AWSRuntime.requestTimeout(environment: ["QSL_HTTP_TIMEOUT": bad]) }
        }
    }

    // MARK: IPv6

    @Test("an IPv6 literal URL reaches a server on ::1 with a bracketed Host header")
    func ipv6Literal() async throws {
        let server = try LocalHTTPServer(ipv6: true) { _ in .response(AWSHTTPResponse(status: 200, body: Array("six".utf8))) }
        defer { server.stop() }
        #expect(server.baseURL == "http://[::1]:\(server.port)")
        let response = try await Self.get(URLSessionTransport(), server.baseURL + "/v1/credentials")
        #expect(response.status == 200)
        #expect(response.body == Array("six".utf8))
        #expect(server.requests.first?.headers["Host"] == "[::1]:\(server.port)")
        #expect(server.requests.first?.path == "/v1/credentials")
    }

    @Test("the EKS Pod Identity address parses as an IPv6 host and passes the container allow-list")
    func podIdentityAddress() throws {
        let url = "http://[fd00:ec2::23]/v1/credentials"
        try ContainerCredentialSource.checkFullURI(url)
        let request = try #require(AWSHTTPRequest(getting: url))
        #expect(request.host == "fd00:ec2::23")
        #expect(request.hostHeader == "[fd00:ec2::23]")
        #expect(request.urlString == url)
        #expect(URL(string: request.urlString)?.port == nil)
        #expect(throws: AWSCredentialsError.self) { try ContainerCredentialSource.checkFullURI("http://[fd00:ec2::24]/v1/credentials") }
        #expect(throws: AWSCredentialsError.self) { try ContainerCredentialSource.checkFullURI("http://203.0.113.7/v1/credentials") }
    }

    @Test("signed calls to an [::1] endpoint and container credentials from [::1] pass moto's signature check")
    func ipv6EndToEnd() async throws {
        let f = try await AuthenticatedMotoTests.fixture()
        defer { f.moto.stop() }
        let proxy = try FaultInjectingProxy(upstreamPort: f.moto.port, faults: [], ipv6: true)
        defer { proxy.stop() }
        // The role's temporary credentials, as EKS Pod Identity hands them out.
        let temporary = try await STSClient(context: try TestContexts.live(endpoint: f.moto.endpointURL, credentials: f.user.credentials()))
            .assumeRole(.init(roleArn: f.roleArn, roleSessionName: "pod")).credentials
        let credentials = try LocalHTTPServer.containerCredentials(
            path: "/v1/credentials", authorizationToken: "pod-token", credentials: temporary, ipv6: true)
        defer { credentials.stop() }

        let context = try TestContexts.live(endpoint: proxy.baseURL, environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": credentials.baseURL + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "pod-token",
        ])
        #expect(try context.endpoint(for: .sts).url == "http://[::1]:\(proxy.port)")
        let report = try await WhoamiReport.fetch(context: context)
        #expect(report.credentialSource == "container")
        #expect(report.arn.hasSuffix("assumed-role/qsl-runtime/pod"))
        #expect(proxy.exchanges.last?.request.headers["Host"] == "[::1]:\(proxy.port)")
        #expect(credentials.requests.first?.headers["Host"] == "[::1]:\(credentials.port)")
    }

    // MARK: Faults against moto

    @Test("429 and 503 ThrottlingException answers are retried, then the call succeeds", arguments: [429, 503])
    func throttlingStatuses(_ status: Int) async throws {
        let s = try await FaultInjectionTests.setUp()
        defer { s.stop() }
        s.proxy.enqueue([.throttleStatus(status), .throttleStatus(status)])
        let value = try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        #expect(value.secretString?.unsafeRevealed == "v1")
        #expect(s.proxy.exchanges.suffix(3).map(\.fault) == [.throttleStatus(status), .throttleStatus(status), .pass])
        #expect(s.sleeps.delays.count == 2)
    }

    @Test("one call through every fault in turn (reset, stall past the deadline, 429, 503, trickle, cut body) still succeeds")
    func everyFaultInTurn() async throws {
        let s = try await FaultInjectionTests.setUp(
            environment: ["AWS_MAX_ATTEMPTS": "7"], transport: URLSessionTransport(connectTimeout: .seconds(5), requestTimeout: .seconds(2)))
        defer { s.stop() }
        let faults: [FaultInjectingProxy.Fault] = [
            .reset, .stall(.seconds(10)), .throttleStatus(429), .throttleStatus(503), .trickle(every: .seconds(1)), .truncatedBody,
        ]
        s.proxy.enqueue(faults)
        let value = try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        #expect(value.secretString?.unsafeRevealed == "v1")
        #expect(s.proxy.exchanges.suffix(7).map(\.fault) == faults + [.pass])
        #expect(s.sleeps.delays.count == 6)
    }

    @Test("a body cut short of its Content-Length is a connection failure, retried")
    func truncatedBody() async throws {
        let s = try await FaultInjectionTests.setUp()
        defer { s.stop() }
        s.proxy.enqueue([.truncatedBody])
        let value = try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        #expect(value.secretString?.unsafeRevealed == "v1")
        #expect(s.proxy.exchanges.suffix(2).map(\.fault) == [.truncatedBody, .pass])
        #expect(s.sleeps.delays.count == 1)
    }

    @Test("moto's answer trickling through the proxy times out at the deadline on every attempt: a timed-out AWSError")
    func trickleThroughProxy() async throws {
        let s = try await FaultInjectionTests.setUp(
            environment: ["AWS_MAX_ATTEMPTS": "2"], transport: URLSessionTransport(connectTimeout: .seconds(5), requestTimeout: .seconds(2)))
        defer { s.stop() }
        s.proxy.enqueue([.trickle(every: .seconds(1)), .trickle(every: .seconds(1))])
        let error = await #expect(throws: AWSError.self) {
            try await s.secrets.getSecretValue(.init(secretId: "qsl/fault/secret"))
        }
        #expect(error?.kind == .timedOut)
        #expect(error?.attempts == 2)
        let hangUps = try await Self.hangUps({ s.proxy.hangUps }, count: 2)
        #expect(hangUps.count == 2)
        // Loose, as in trickleHitsTheDeadline: a client under load takes a while to close.
        #expect(hangUps.allSatisfy { $0 < .seconds(60) }, "the client let go after \(hangUps)")
        #expect(s.proxy.exchanges.suffix(2).map(\.fault) == [.trickle(every: .seconds(1)), .trickle(every: .seconds(1))])
    }
}
