import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

@Suite("AWS error decoding and messages")
struct AWSErrorTests {
    func failure(_ response: AWSHTTPResponse, environment: [String: String] = [:]) async throws -> AWSError {
        let transport = ScriptedTransport(otherwise: .respond(response))
        let context = try TestContexts.scripted(transport, environment: environment, credentials: nil)
        let error = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(context: context).putSecretValue(.init(secretId: "qsl/x", secretString: SecretValue("very-secret-value")))
        }
        return try #require(error)
    }

    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEKEY000001", "AWS_SECRET_ACCESS_KEY": "the-secret-key"]

    @Test("JSON __type (with namespace), message and x-amzn-RequestId")
    func jsonError() async throws {
        let error = try await failure(
            .json(status: 400, #"{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}"#, requestId: "req-42"),
            environment: Self.environment)
        #expect(error.awsErrorCode == "ResourceNotFoundException")
        #expect(error.serviceMessage == "Secrets Manager can't find the specified secret.")
        #expect(error.requestId == "req-42")
        #expect(error.operation == "PutSecretValue")
        #expect(error.httpStatus == 400)
        #expect("\(error)" == "Secrets Manager PutSecretValue found nothing: Secrets Manager can't find the specified secret; check the name and the region (PutSecretValue, HTTP 400, ResourceNotFoundException, request id req-42).")
    }

    @Test("x-amzn-ErrorType wins over the body")
    func errorTypeHeader() async throws {
        var response = AWSHTTPResponse.json(status: 400, #"{"message":"bad"}"#)
        response.headers.add(name: "x-amzn-ErrorType", value: "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/")
        let error = try await failure(response, environment: Self.environment)
        #expect(error.awsErrorCode == "ValidationException")
    }

    @Test("XML <Error><Code> with <RequestId>")
    func xmlError() async throws {
        let error = try await failure(
            .xml(status: 403, "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error><RequestId>xml-7</RequestId></ErrorResponse>"),
            environment: Self.environment)
        #expect(error.awsErrorCode == "SignatureDoesNotMatch")
        #expect(error.requestId == "xml-7")
        let text = "\(error)"
        #expect(text.contains("the secret access key is wrong for access key AKIAEXAMPLEKEY000001 (credentials from environment)"))
        #expect(!text.contains("the-secret-key"))
    }

    @Test("AccessDenied names the action, the resource and the principal")
    func accessDenied() async throws {
        let error = try await failure(
            .json(status: 400, #"{"__type":"AccessDeniedException","Message":"User: arn:aws:sts::111122223333:assumed-role/task/abc is not authorized to perform: secretsmanager:PutSecretValue on resource: arn:aws:secretsmanager:eu-west-1:111122223333:secret:qsl/x-AbCdEf because no identity-based policy allows the secretsmanager:PutSecretValue action"}"#),
            environment: Self.environment)
        #expect("\(error)".hasPrefix("AWS denied secretsmanager:PutSecretValue on arn:aws:secretsmanager:eu-west-1:111122223333:secret:qsl/x-AbCdEf to arn:aws:sts::111122223333:assumed-role/task/abc (credentials from environment); allow secretsmanager:PutSecretValue on that resource in an IAM policy of that identity"))
    }

    @Test("AccessDenied messages without a principal, or with the words in another order, are read without trapping", arguments: [
        "User: is not authorized to perform: secretsmanager:PutSecretValue",
        "Caller is not authorized to perform: secretsmanager:PutSecretValue on resource: qsl/x for User: arn:aws:iam::111122223333:user/dev",
    ])
    func accessDeniedUnusualMessages(_ message: String) async throws {
        let denial = try #require(AccessDenial(message: message))
        #expect(denial.principal == nil)
        #expect(denial.action == "secretsmanager:PutSecretValue")
        let error = try await failure(
            .json(status: 400, #"{"__type":"AccessDeniedException","Message":"\#(message)"}"#), environment: Self.environment)
        #expect("\(error)".hasPrefix("AWS denied secretsmanager:PutSecretValue"))
        #expect(!"\(error)".contains(" to  "))
    }

    @Test("throttling and quota errors keep AWS's own message")
    func throttlingKeepsMessage() async throws {
        let error = try await failure(
            .json(status: 400, #"{"__type":"LimitExceededException","message":"You have exceeded the maximum number of versions for this secret."}"#),
            environment: Self.environment)
        #expect("\(error)".hasPrefix(
            "AWS throttled Secrets Manager PutSecretValue after 3 attempts: You have exceeded the maximum number of versions for this secret; lower the request rate"))
    }

    @Test("ExpiredToken names the credential source")
    func expiredToken() async throws {
        let error = try await failure(
            .xml(status: 400, "<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error></ErrorResponse>"),
            environment: Self.environment)
        #expect("\(error)".hasPrefix("The AWS session token from environment has expired"))
    }

    @Test("no error message ever carries the secret value sent")
    func noSecretsInErrors() async throws {
        for response in [
            AWSHTTPResponse.json(status: 400, #"{"__type":"ValidationException","message":"bad"}"#),
            .json(status: 500, "not json at all"),
            AWSHTTPResponse(status: 502),
        ] {
            let error = try await failure(response, environment: Self.environment)
            #expect(!"\(error)".contains("very-secret-value"))
            #expect(!String(reflecting: error).contains("very-secret-value"))
        }
    }

    @Test("a 2xx body that is not the operation's shape is a malformed-response error")
    func malformed() async throws {
        let transport = ScriptedTransport(otherwise: .respond(.json(status: 200, "[1,2,3]")))
        let context = try TestContexts.scripted(transport)
        let error = await #expect(throws: AWSError.self) {
            try await SecretsManagerClient(context: context).getSecretValue(.init(secretId: "x"))
        }
        #expect(error?.kind == .malformedResponse)
    }
}
