import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

/// The libcurl transport AWS API calls use, against local servers that answer, trickle, never
/// end, or never answer.
@Suite("libcurl transport")
struct CurlTransportTests {
    static func post(_ base: String, body: String = #"{"SecretId":"s"}"#) throws -> AWSHTTPRequest {
        var request = try #require(AWSHTTPRequest(getting: base + "/"))
        request.method = "POST"
        request.body = Array(body.utf8)
        request.headers.add(name: "Host", value: "signed.example:443")
        request.headers.add(name: "Content-Type", value: "application/x-amz-json-1.1")
        request.headers.add(name: "X-Amz-Target", value: "secretsmanager.GetSecretValue")
        return request
    }

    @Test("a POST goes out with exactly the request's headers and body, and the answer comes back whole")
    func exchange() async throws {
        let server = try LocalHTTPServer { request in
            .response(AWSHTTPResponse(status: 400, headers: AWSHTTPHeaders([("X-Amzn-RequestId", "r-1")]), body: Array(#"{"__type":"X"}"#.utf8)))
        }
        defer { server.stop() }
        let body = String(repeating: "x", count: 5_000)  // past 1 KiB, where libcurl would send Expect
        let response = try await CurlTransport().send(try Self.post(server.baseURL, body: body))
        #expect(response.status == 400)
        #expect(response.headers["x-amzn-requestid"] == "r-1")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"__type":"X"}"#)
        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.headers["host"] == "signed.example:443", "the signed Host header is sent as signed")
        #expect(seen.headers["x-amz-target"] == "secretsmanager.GetSecretValue")
        #expect(seen.headers["expect"] == nil && seen.headers["accept"] == nil)
        #expect(seen.body == Array(body.utf8))
    }

    @Test("a response trickling in a byte a second fails at the whole-exchange deadline, not at the idle timeout")
    func trickle() async throws {
        let server = try LocalHTTPServer { _ in .trickle(AWSHTTPResponse(status: 200, body: Array(repeating: 32, count: 500)), every: .seconds(1)) }
        defer { server.stop() }
        let transport = CurlTransport(idleTimeout: .seconds(3), requestTimeout: .seconds(2))
        await #expect {
            _ = try await transport.send(try Self.post(server.baseURL))
        } throws: { error in
            guard let error = error as? AWSTransportError else { return false }
            return error.kind == .timedOut && error.reason.contains("deadline for the whole exchange")
        }
    }

    @Test("a silent server is let go at the idle limit (no byte either way), well before the deadline")
    func silentServerIdles() async throws {
        let server = try LocalHTTPServer { _ in .stall(.seconds(30)) }
        defer { server.stop() }
        // libcurl's own low-speed limit, a rolling average, let go only some seconds past the
        // idle limit: past this 6 s deadline, which would then be the reason given.
        let transport = CurlTransport(idleTimeout: .seconds(2), requestTimeout: .seconds(6))
        await #expect {
            _ = try await transport.send(try Self.post(server.baseURL))
        } throws: { error in
            guard let error = error as? AWSTransportError else { return false }
            return error.kind == .timedOut && error.reason.contains("no byte sent or received for 2.0 seconds")
        }
    }

    @Test("a body that never ends, and a declared length over the cap, are abandoned as too large")
    func caps() async throws {
        let endless = try LocalHTTPServer { _ in .endless(status: 200, limit: 64 << 20) }
        defer { endless.stop() }
        let declared = try LocalHTTPServer { _ in .truncated(AWSHTTPResponse(status: 200, body: Array("{}".utf8)), declaredLength: 1 << 30) }
        defer { declared.stop() }
        let transport = CurlTransport(maxResponseBytes: 1 << 20)
        for server in [endless, declared] {
            await #expect {
                _ = try await transport.send(try Self.post(server.baseURL))
            } throws: { error in
                (error as? AWSTransportError)?.kind == .responseTooLarge
            }
        }
    }

    @Test("cancelling the calling task ends the exchange with CancellationError")
    func cancellation() async throws {
        let server = try LocalHTTPServer { _ in .stall(.seconds(900)) }
        defer { server.stop() }
        let transport = CurlTransport(idleTimeout: .seconds(600), requestTimeout: .seconds(600))
        let request = try Self.post(server.baseURL)
        let task = Task { try await transport.send(request) }
        for _ in 0..<500 where server.requests.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("an IPv6 literal endpoint is reached")
    func ipv6() async throws {
        let server = try LocalHTTPServer(ipv6: true) { _ in .response(AWSHTTPResponse(status: 200, body: Array("{}".utf8))) }
        defer { server.stop() }
        let response = try await CurlTransport().send(try Self.post(server.baseURL))
        #expect(response.status == 200)
    }

    @Test("a closed port is a connection failure")
    func refused() async throws {
        let port = try LoopbackPort.unused()
        await #expect {
            _ = try await CurlTransport().send(try Self.post("http://127.0.0.1:\(port)"))
        } throws: { error in
            (error as? AWSTransportError)?.kind == .connectionFailed
        }
    }
}
