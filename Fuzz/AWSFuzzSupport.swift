// What the two AWS fuzz targets share: a context whose one transport answers every request with
// the fuzz input, so the real client code (status handling, error decoding, JSON and XML
// response shapes) reads it. Compiled into `aws-json` and `aws-xml` by scripts/fuzz.sh.

import Foundation
@testable import QSLConfigAWS
@testable import QSLConfigCore

/// The response the transport gives next. libFuzzer runs one input at a time.
nonisolated(unsafe) var fuzzResponse = AWSHTTPResponse(status: 200)

/// Answers with ``fuzzResponse``.
struct FuzzTransport: AWSHTTPTransport {
    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse { fuzzResponse }
}

/// Marks a secret in the seeds: no error a 2xx response produces may show it.
let fuzzCanary = "CANARYSECRET"

/// One attempt, no sleeping, fixed credentials, a loopback endpoint; no shared file read.
let fuzzContext: AWSContext = {
    let environment = [
        "HOME": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_MAX_ATTEMPTS": "1",
    ]
    let runtime = AWSRuntime(transport: FuzzTransport(), sleep: { _ in }, now: { Date(timeIntervalSince1970: 1_800_000_000) }, random: { 0 })
    let credentials = AWSCredentials(accessKeyId: "AKIDFUZZ", secretAccessKey: SecretValue("fuzz-secret"), source: "fuzz")
    return try! AWSContext(
        region: "us-east-1", endpointURL: "http://127.0.0.1:1", credentials: credentials, environment: environment, runtime: runtime)
}()

/// Runs `body` to completion from libFuzzer's synchronous entry point.
func runBlocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}

/// The fuzz input as a response: the first byte picks the status (2xx, 4xx or 5xx) and whether an
/// `x-amzn-ErrorType` header is sent, the rest is the body.
func response(from bytes: [UInt8]) -> (operation: UInt8, response: AWSHTTPResponse) {
    guard bytes.count >= 2 else { return (0, AWSHTTPResponse(status: 200, body: bytes)) }
    let statuses = [200, 200, 200, 200, 400, 403, 404, 500]
    let status = statuses[Int(bytes[1] & 0x07)]
    var headers = AWSHTTPHeaders()
    if bytes[1] & 0x08 != 0 { headers.replaceOrAdd(name: "x-amzn-ErrorType", value: "com.amazonaws#Fuzz:http://x") }
    return (bytes[0], AWSHTTPResponse(status: status, headers: headers, body: Array(bytes[2...])))
}

/// Checks an error a call threw: a 2xx body's secret never shows in it.
func check(_ error: any Error, status: Int) {
    let text = "\(error)" + String(reflecting: error)
    if (200..<300).contains(status) {
        precondition(!text.contains(fuzzCanary), "an error shows a secret from the response body")
    }
}
