#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import QSLConfigCore
import QSLCrypto

/// The engine under every service client: resolves the endpoint, signs, sends, retries with
/// backoff and decodes AWS errors. Service clients add only the operation shapes.
package struct AWSClient: Sendable {
    package let service: AWSService
    let endpoints: EndpointResolver
    /// `nil` for the few unsigned operations (`AssumeRoleWithWebIdentity`).
    let credentials: (any AWSCredentialsProvider)?
    let runtime: AWSRuntime

    init(service: AWSService, endpoints: EndpointResolver, credentials: (any AWSCredentialsProvider)?, runtime: AWSRuntime) {
        self.service = service
        self.endpoints = endpoints
        self.credentials = credentials
        self.runtime = runtime
    }

    /// The same client, sending requests without a signature.
    func unsigned() -> AWSClient {
        AWSClient(service: service, endpoints: endpoints, credentials: nil, runtime: runtime)
    }

    // MARK: JSON 1.1 protocol (Secrets Manager, SSM)

    private var jsonTargetPrefix: String {
        switch service {
        case .secretsManager: "secretsmanager"
        case .ssm: "AmazonSSM"
        case .sts, .iam: preconditionFailure("\(service) uses the query protocol")
        }
    }

    /// Calls a JSON 1.1 operation: POST `/`, `X-Amz-Target: <prefix>.<operation>`.
    package func json<Output: Decodable>(
        _ operation: String, input: some Encodable, as output: Output.Type = Output.self
    ) async throws -> Output {
        let body = try JSONEncoder().encode(input)
        let response = try await send(
            operation: operation,
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "\(jsonTargetPrefix).\(operation)"),
            ],
            body: Array(body))
        let payload = response.body.isEmpty ? Array("{}".utf8) : response.body
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(Output.self, from: Data(payload))
        } catch {
            throw malformed(operation, response: response, reason: "the JSON body did not match the \(operation) response shape")
        }
    }

    // MARK: Query protocol (STS, IAM)

    private var queryVersion: String {
        switch service {
        case .sts: "2011-06-15"
        case .iam: "2010-05-08"
        case .secretsManager, .ssm: preconditionFailure("\(service) uses the JSON protocol")
        }
    }

    /// Calls a query-protocol operation and returns its `<OperationResult>` element (an empty
    /// element for operations without a result).
    package func query(_ operation: String, parameters: [(String, String)]) async throws -> XMLNode {
        let response = try await send(
            operation: operation,
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: QueryEncoding.body(action: operation, version: queryVersion, parameters: parameters))
        guard let root = XMLNode.parse(response.body), root.name == "\(operation)Response" else {
            throw malformed(operation, response: response, reason: "expected an <\(operation)Response> XML document")
        }
        return root.child("\(operation)Result") ?? XMLNode(name: "\(operation)Result", text: "", children: [])
    }

    // MARK: Sending, signing and retrying

    /// Sends one logical call: signs each attempt afresh, retries what the standard retry mode
    /// retries, and turns the final failure into an ``AWSError``. The body, and so any
    /// `ClientRequestToken` in it, is the same on every attempt. A cancelled task ends the call
    /// with `CancellationError`, never retried nor reported as a connection failure.
    func send(operation: String, headers: [(String, String)], body: [UInt8]) async throws -> AWSHTTPResponse {
        let endpoint = try endpoints.endpoint(for: service)
        var template = AWSHTTPRequest(
            method: "POST", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
            path: endpoint.path, headers: AWSHTTPHeaders(headers), body: body)
        template.headers.replaceOrAdd(name: "Host", value: template.hostHeader)
        let signer = SigV4Signer(region: endpoint.signingRegion, service: service.signingName)
        if credentials != nil {
            // Signing hashes with libcrypto, loaded here on first use: a machine without it gets
            // one error naming the package, never retried (the next attempt would fail the same
            // way) and never a stop inside the signer.
            do { try Crypto.loadLibrary() } catch {
                throw LibraryUnavailableError(library: "libcrypto", message: "\(error)")
            }
        }
        return try await runtime.retry.attempts(
            sleep: runtime.sleep, random: runtime.random,
            willRetry: { attempt, reason, delay in
                runtime.logger.debug(
                    "retrying AWS call",
                    metadata: ["operation": "\(operation)", "attempt": "\(attempt)", "reason": "\(reason)", "delay": "\(delay)"])
            }
        ) { attempt in
            let credentials = try await credentials?.credentials()
            let request = credentials.map { signer.sign(template, credentials: $0, date: runtime.now()).request } ?? template

            let failure: AWSError
            do {
                let response = try await runtime.transport.send(request)
                if (200..<300).contains(response.status) { return .finished(response) }
                failure = decodeError(response, operation: operation, attempts: attempt, credentials: credentials, host: template.hostHeader)
            } catch let error as AWSTransportError where error.kind == .responseTooLarge {
                throw AWSError(
                    kind: .malformedResponse, service: service, operation: operation, serviceMessage: error.description,
                    attempts: attempt, credentials: credentials, host: template.hostHeader)
            } catch let error as AWSTransportError where error.kind != .invalidRequest {
                failure = AWSError(
                    kind: error.kind == .timedOut ? .timedOut : .connectionFailed, service: service, operation: operation,
                    serviceMessage: error.reason, attempts: attempt, credentials: credentials, host: template.hostHeader)
            } catch let error as AWSTransportError {
                throw AWSError(
                    kind: .connectionFailed, service: service, operation: operation, serviceMessage: error.reason,
                    attempts: attempt, credentials: credentials, host: template.hostHeader)
            }
            guard failure.isRetryable else { throw failure }
            return .retryable(reason: failure.awsErrorCode ?? failure.kind.description, ifLast: .failure(failure))
        }
    }

    /// Reads an AWS error response in any of its shapes: `x-amzn-ErrorType`, a JSON body with
    /// `__type`/`code` and `message`, or an XML body with `<Code>`, `<Message>` and `<RequestId>`.
    func decodeError(_ response: AWSHTTPResponse, operation: String, attempts: Int, credentials: AWSCredentials?, host: String) -> AWSError {
        var code = response.headers["x-amzn-ErrorType"].map(Self.shortCode)
        var message: String?
        var requestId = response.requestIdHeader
        let firstByte = response.body.first { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }
        if firstByte == UInt8(ascii: "{"),
            let document = try? JSONDocument(parsingAnyValue: response.body, file: "response"), document.root.kind == .object
        {
            // By exact name, a repeated name's last value winning; the first name present counts
            // even when its value is not a string.
            var object: [String: JSONValue] = [:]
            for (name, value) in document.root.members { object[name] = value }
            if code == nil { code = (object["__type"] ?? object["code"] ?? object["Code"])?.stringValue.map(Self.shortCode) }
            message = (object["message"] ?? object["Message"])?.stringValue
        } else if firstByte == UInt8(ascii: "<"), let root = XMLNode.parse(response.body) {
            let error = root.name == "Error" ? root : root.descendant("Error")
            if code == nil { code = error?.string("Code") ?? root.descendant("Code")?.text }
            message = error?.string("Message") ?? root.descendant("Message")?.text
            if requestId == nil { requestId = (root.descendant("RequestId") ?? root.descendant("RequestID"))?.text }
        }
        return AWSError(
            kind: .service, service: service, operation: operation, httpStatus: response.status,
            awsErrorCode: code, serviceMessage: message ?? "HTTP \(response.status) with no error details",
            requestId: requestId, attempts: attempts, credentials: credentials, host: host)
    }

    /// `com.amazonaws.secretsmanager#ResourceNotFoundException` and
    /// `ResourceNotFoundException:http://internal.amazon.com/...` both become `ResourceNotFoundException`.
    static func shortCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.trimmingWhitespace()
    }

    func malformed(_ operation: String, response: AWSHTTPResponse, reason: String) -> AWSError {
        AWSError(
            kind: .malformedResponse, service: service, operation: operation, httpStatus: response.status,
            serviceMessage: reason, requestId: response.requestIdHeader, attempts: 1, credentials: nil,
            host: (try? endpoints.endpoint(for: service).url) ?? service.signingName)
    }

    /// Follows `NextToken`/`Marker` until the service stops returning one.
    ///
    /// - Parameter page: fetches the page for a token (`nil` first) and returns its items and the next token.
    package static func allPages<Item>(
        operation: String, service: AWSService,
        _ page: (String?) async throws -> (items: [Item], next: String?)
    ) async throws -> [Item] {
        var items: [Item] = []
        var token: String?
        var seen: Set<String> = []
        repeat {
            let result = try await page(token)
            items.append(contentsOf: result.items)
            token = result.next.flatMap { $0.isEmpty ? nil : $0 }
            if let token, !seen.insert(token).inserted {
                throw AWSError(
                    kind: .malformedResponse, service: service, operation: operation,
                    serviceMessage: "the service returned the same pagination token twice", attempts: 1,
                    credentials: nil, host: service.signingName)
            }
        } while token != nil
        return items
    }
}
