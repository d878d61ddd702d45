import Foundation
import QSLConfigCore
import Testing

@testable import QSLConfigAWS

/// One case directory of the AWS SigV4 test suite (`Tests/Conformance/sigv4/v4/<name>`).
struct SigV4Vector: Sendable, CustomTestStringConvertible {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    let name: String
    var testDescription: String { name }
    var directory: URL { TestPaths.sigv4Vectors.appendingPathComponent(name) }

    static func all() throws -> [SigV4Vector] {
        try FileManager.default.contentsOfDirectory(atPath: TestPaths.sigv4Vectors.path)
            .filter { !$0.hasPrefix(".") }
            .sorted()
            .map(SigV4Vector.init(name:))
    }

    func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(file)))
    }

    func text(_ file: String) throws -> String {
        String(decoding: try bytes(file), as: UTF8.self)
    }

    func context() throws -> Context {
        try JSONDecoder().decode(Context.self, from: Data(try bytes("context.json")))
    }

    /// Reads `request.txt` as the aws-c-auth harness does: request line, `Name:value` headers
    /// (a line starting with whitespace continues the previous value), blank line, body.
    func request() throws -> (request: AWSHTTPRequest, target: String) {
        let raw = try bytes("request.txt")
        var lines: [[UInt8]] = []
        var body: [UInt8] = []
        var start = 0
        var index = 0
        while index < raw.count {
            if raw[index] == 0x0a {
                let line = Array(raw[start..<index])
                if line.isEmpty {
                    body = Array(raw[(index + 1)...])
                    break
                }
                lines.append(line)
                start = index + 1
            }
            index += 1
        }
        if index >= raw.count && start < raw.count { lines.append(Array(raw[start...])) }

        let requestLine = String(decoding: lines[0], as: UTF8.self)
        let firstSpace = requestLine.firstIndex(of: " ")!
        let lastSpace = requestLine.lastIndex(of: " ")!
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        let path: String
        let query: String
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = ""
        }

        var headers: [(String, String)] = []
        for lineBytes in lines.dropFirst() {
            let line = String(decoding: lineBytes, as: UTF8.self)
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].1 += "\n" + line
                continue
            }
            let colon = line.firstIndex(of: ":")!
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let host = headers.first { $0.0.lowercased() == "host" }?.1 ?? ""
        let request = AWSHTTPRequest(
            method: method, host: host, path: path, query: query,
            headers: AWSHTTPHeaders(headers), body: body)
        return (request, target)
    }
}

@Suite("SigV4 conformance vectors")
struct SigV4ConformanceTests {
    @Test("a decoded path is signed as sent, encoded once more, as every service but S3 signs it")
    func pathSignedAsSent() throws {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: SecretValue("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), source: "test")
        let request = AWSHTTPRequest(method: "POST", host: "127.0.0.1:45125", path: "/pre fix/", query: "", headers: AWSHTTPHeaders([("Host", "127.0.0.1:45125")]), body: [])
        let date = try #require(ISO8601DateFormatter().date(from: "2015-08-30T12:36:00Z"))
        let signed = SigV4Signer(region: "us-east-1", service: "secretsmanager").sign(request, credentials: credentials, date: date)
        #expect(signed.canonicalRequest.split(separator: "\n")[1] == "/pre%2520fix/")
        let plain = AWSHTTPRequest(method: "POST", host: "h", path: "/", query: "", headers: AWSHTTPHeaders([("Host", "h")]), body: [])
        #expect(SigV4Signer(region: "us-east-1", service: "ssm").sign(plain, credentials: credentials, date: date).canonicalRequest.split(separator: "\n")[1] == "/")
        let s3Style = SigV4Signer(region: "us-east-1", service: "s3", options: .init(doubleEncodePath: false)).sign(request, credentials: credentials, date: date)
        #expect(s3Style.canonicalRequest.split(separator: "\n")[1] == "/pre%20fix/")
    }

    @Test("all 38 published cases are present")
    func vectorCount() throws {
        #expect(try SigV4Vector.all().count == 38)
    }

    @Test("each stage matches the published vector", arguments: try SigV4Vector.all())
    func vector(_ vector: SigV4Vector) throws {
        let context = try vector.context()
        let (request, target) = try vector.request()
        let credentials = AWSCredentials(
            accessKeyId: context.credentials.access_key_id,
            secretAccessKey: SecretValue(context.credentials.secret_access_key),
            sessionToken: context.credentials.token.map(SecretValue.init),
            source: "test vector")
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let signer = SigV4Signer(
            region: context.region,
            service: context.service,
            // A vector's request line is the path as sent: it is signed encoded once.
            options: .init(
                normalizePath: context.normalize,
                addContentSHA256Header: context.sign_body,
                signSessionToken: !(context.omit_session_token ?? false),
                doubleEncodePath: false))

        let signed = signer.sign(request, credentials: credentials, date: date)

        #expect(signed.canonicalRequest == (try vector.text("header-canonical-request.txt")))
        #expect(signed.stringToSign == (try vector.text("header-string-to-sign.txt")))
        #expect(signed.signature == (try vector.text("header-signature.txt")))

        var rendered = Array("\(signed.request.method) \(target) HTTP/1.1\n".utf8)
        for field in signed.request.headers {
            rendered += Array("\(field.name):\(field.value)\n".utf8)
        }
        rendered += Array("\n".utf8) + signed.request.body
        #expect(String(decoding: rendered, as: UTF8.self) == (try vector.text("header-signed-request.txt")))
    }

    @Test("the stage functions compose to the same signature")
    func stagesCompose() throws {
        let vector = SigV4Vector(name: "get-vanilla")
        let (request, _) = try vector.request()
        let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
        let signer = SigV4Signer(region: "us-east-1", service: "service")
        var dated = request
        dated.headers.add(name: "X-Amz-Date", value: "20150830T123600Z")
        let canonical = signer.canonicalRequest(
            for: dated, payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(canonical == (try vector.text("header-canonical-request.txt")))
        let toSign = signer.stringToSign(canonicalRequest: canonical, date: date)
        let key = signer.signingKey(secretAccessKey: SecretValue("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), date: date)
        #expect(signer.signature(signingKey: key, stringToSign: toSign) == (try vector.text("header-signature.txt")))
    }

    @Test("dates render in UTC whatever the instant", arguments: [
        (0.0, "19700101T000000Z"),
        (951_782_400.0, "20000229T000000Z"),
        (1_440_938_160.0, "20150830T123600Z"),
        (4_102_444_799.0, "20991231T235959Z"),
    ])
    func dates(_ instant: Double, _ expected: String) {
        #expect(SigV4Date(Date(timeIntervalSince1970: instant)).dateTime == expected)
    }
}
