import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

/// `"\(x)"` and `debugPrint(x)` of the values a caller holds never show a credential or a secret.
@Suite("Printed contexts, clients and HTTP messages are redacted")
struct RedactedDescriptionTests {
    static func printed(_ value: Any) -> [String] {
        [String(describing: value), String(reflecting: value), "\(value)"]
    }

    @Test("an AWSContext and the clients built on it show the profile, region and endpoint hosts, never the environment or the profile's keys")
    func contextAndClients() throws {
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentialsFile = directory.appendingPathComponent("credentials")
        try TestContexts.write("""
            [default]
            aws_access_key_id = AKIAPROFILE000000001
            aws_secret_access_key = profile-secret-canary
            aws_session_token = profile-token-canary
            """, to: credentialsFile)
        var environment = TestContexts.isolatedEnvironment
        environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile.path
        environment["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001"
        environment["AWS_SECRET_ACCESS_KEY"] = "environment-secret-canary"
        environment["QSL_UNRELATED_SETTING"] = "unrelated-variable-canary"
        environment["AWS_ENDPOINT_URL_SSM"] = "http://127.0.0.1:4566/gateway?token=url-canary"
        let context = try AWSContext(
            region: "eu-west-1", environment: environment, runtime: AWSRuntime(transport: ScriptedTransport()))

        let values: [Any] = [
            context, SecretsManagerClient(context: context), SSMClient(context: context), STSClient(context: context),
            IAMClient(context: context), context.endpoints,
        ]
        for text in values.flatMap(Self.printed) {
            for canary in ["environment-secret-canary", "unrelated-variable-canary", "profile-secret-canary", "profile-token-canary", "url-canary"] {
                #expect(!text.contains(canary), "\(canary) printed in \(text)")
            }
        }
        #expect("\(context)" == "AWSContext(profile: default, region: eu-west-1, endpoints: secretsmanager: secretsmanager.eu-west-1.amazonaws.com, ssm: 127.0.0.1:4566, sts: sts.eu-west-1.amazonaws.com, iam: iam.amazonaws.com)")
    }

    static let body = Array(#"{"SecretId":"qsl/x","SecretString":"body-secret-canary"}"#.utf8)

    @Test("requests, headers and responses redact credential headers and show bodies as their size")
    func httpMessages() {
        let request = AWSHTTPRequest(
            method: "PUT", scheme: "http", host: "127.0.0.1", port: 8080, path: "/v2/credentials", query: "token=query-canary",
            headers: AWSHTTPHeaders([
                ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=signature-canary"),
                ("authorization", "container-token-canary"),
                ("X-Amz-Security-Token", "session-token-canary"),
                ("X-aws-ec2-metadata-token", "imds-token-canary"),
                ("X-aws-ec2-metadata-token-ttl-seconds", "21600"),
                ("X-Amz-Target", "secretsmanager.PutSecretValue"),
            ]),
            body: Self.body)
        let response = AWSHTTPResponse(
            status: 200, headers: ["x-amzn-RequestId": "req-1", "X-Amz-Security-Token": "response-token-canary"], body: Self.body)
        let canaries = [
            "signature-canary", "container-token-canary", "session-token-canary", "imds-token-canary", "body-secret-canary",
            "query-canary", "response-token-canary",
        ]
        let values: [Any] = [request, request.headers, request.headers.fields, response, response.headers]
        for text in values.flatMap(Self.printed) {
            for canary in canaries { #expect(!text.contains(canary), "\(canary) printed in \(text)") }
        }
        #expect("\(request)" == "PUT http://127.0.0.1:8080/v2/credentials?<18 bytes> [Authorization: <redacted>, authorization: <redacted>, X-Amz-Security-Token: <redacted>, X-aws-ec2-metadata-token: <redacted>, X-aws-ec2-metadata-token-ttl-seconds: 21600, X-Amz-Target: secretsmanager.PutSecretValue] <\(Self.body.count) bytes>")
        #expect("\(response)" == "HTTP 200 [x-amzn-RequestId: req-1, X-Amz-Security-Token: <redacted>] <\(Self.body.count) bytes>")
    }

    @Test("a signed request shows neither the session token, the signature nor the body")
    func signedRequest() {
        let credentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: SecretValue("secret-key-canary"),
            sessionToken: SecretValue("signed-token-canary"), source: "test")
        let request = AWSHTTPRequest(method: "POST", host: "secretsmanager.us-east-1.amazonaws.com", body: Self.body)
        let signed = SigV4Signer(region: "us-east-1", service: "secretsmanager")
            .sign(request, credentials: credentials, date: Date(timeIntervalSince1970: 1_700_000_000))
        for text in Self.printed(signed) {
            for canary in ["secret-key-canary", "signed-token-canary", "body-secret-canary", signed.signature] {
                #expect(!text.contains(canary), "\(canary) printed in \(text)")
            }
            #expect(text.contains("20231114/us-east-1/secretsmanager/aws4_request"))
        }
    }
}
