import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

@Suite("Request and response wire formats")
struct WireFormatTests {
    func json(_ request: AWSHTTPRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    @Test("JSON 1.1 requests: target header, content type, PascalCase body, signed host")
    func jsonRequests() async throws {
        let transport = ScriptedTransport(otherwise: .respond(.json(status: 200, #"{"Parameters":[],"InvalidParameters":["/b"]}"#)))
        let context = try TestContexts.scripted(transport, region: "eu-west-1")
        let output = try await SSMClient(context: context).getParameters(names: ["/a", "/b"])
        #expect(output.invalidParameters == ["/b"])

        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.urlString == "https://ssm.eu-west-1.amazonaws.com/")
        #expect(request.headers["X-Amz-Target"] == "AmazonSSM.GetParameters")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(request.headers["Host"] == "ssm.eu-west-1.amazonaws.com")
        #expect(request.headers["Authorization"]?.contains("/eu-west-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target,") == true)
        let body = try json(request)
        #expect(body["Names"] as? [String] == ["/a", "/b"])
        #expect(body["WithDecryption"] as? Bool == true)
    }

    @Test("secret values go on the wire unredacted, and only there")
    func secretValuesOnTheWire() async throws {
        let transport = ScriptedTransport(otherwise: .respond(.json(status: 200, #"{"Version":3}"#)))
        let context = try TestContexts.scripted(transport)
        let input = SSMClient.PutParameterInput(name: "/p", value: SecretValue("s3cr3t"), type: .secureString, overwrite: true)
        #expect(!"\(input)".contains("s3cr3t"))
        #expect(try await SSMClient(context: context).putParameter(input).version == 3)
        let body = try json(try #require(transport.requests.first))
        #expect(body["Value"] as? String == "s3cr3t")
        #expect(body["Type"] as? String == "SecureString")
    }

    @Test("Secrets Manager responses decode dates and redact values")
    func secretsManagerResponses() async throws {
        let transport = ScriptedTransport([
            .respond(.json(status: 200, #"{"ARN":"arn:x","Name":"n","VersionId":"v1","SecretString":"hunter2","VersionStages":["AWSCURRENT"],"CreatedDate":1700000000.5}"#)),
            .respond(.json(status: 200, #"{"SecretValues":[{"Name":"a","SecretString":"1"}],"Errors":[{"SecretId":"b","ErrorCode":"ResourceNotFoundException","Message":"gone"}]}"#)),
        ])
        let client = SecretsManagerClient(context: try TestContexts.scripted(transport))
        let value = try await client.getSecretValue(.init(secretId: "n", versionStage: "AWSCURRENT"))
        #expect(value.createdDate == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(value.secretString?.unsafeRevealed == "hunter2")
        #expect(!"\(value)".contains("hunter2"))
        #expect(transport.requests[0].headers["X-Amz-Target"] == "secretsmanager.GetSecretValue")
        #expect(try json(transport.requests[0])["VersionStage"] as? String == "AWSCURRENT")

        let batch = try await client.batchGetSecretValue(.init(secretIdList: ["a", "b"]))
        #expect(batch.secretValues.map(\.name) == ["a"])
        #expect(batch.errors.first?.errorCode == "ResourceNotFoundException")
    }

    @Test("NextToken pages are followed to the end")
    func nextTokenPagination() async throws {
        let transport = ScriptedTransport([
            .respond(.json(status: 200, #"{"SecretList":[{"Name":"a"},{"Name":"b"}],"NextToken":"t1"}"#)),
            .respond(.json(status: 200, #"{"SecretList":[{"Name":"c"}],"NextToken":"t2"}"#)),
            .respond(.json(status: 200, #"{"SecretList":[{"Name":"d"}]}"#)),
        ])
        let client = SecretsManagerClient(context: try TestContexts.scripted(transport))
        let all = try await client.listAllSecrets(.init(maxResults: 2))
        #expect(all.compactMap(\.name) == ["a", "b", "c", "d"])
        let tokens = try transport.requests.map { try json($0)["NextToken"] as? String }
        #expect(tokens == [nil, "t1", "t2"])
    }

    @Test("a service repeating its pagination token is an error, not an endless loop")
    func repeatedToken() async throws {
        let transport = ScriptedTransport(otherwise: .respond(.json(status: 200, #"{"Parameters":[],"NextToken":"same"}"#)))
        let client = SSMClient(context: try TestContexts.scripted(transport))
        let error = await #expect(throws: AWSError.self) { try await client.getAllParametersByPath(.init(path: "/x")) }
        #expect(error?.kind == .malformedResponse)
        #expect(transport.requests.count == 2)
    }

    @Test("query protocol: form body with Action and Version, XML result, IAM signed for us-east-1")
    func queryProtocol() async throws {
        let transport = ScriptedTransport([
            .respond(.xml(status: 200, """
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult>
                    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
                    <UserId>AIDAEXAMPLE</UserId>
                    <Account>123456789012</Account>
                  </GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>
                """)),
        ])
        let context = try TestContexts.scripted(transport, region: "eu-west-1")
        let identity = try await STSClient(context: context).getCallerIdentity()
        #expect(identity == .init(account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLE"))
        let request = try #require(transport.requests.first)
        #expect(String(decoding: request.body, as: UTF8.self) == "Action=GetCallerIdentity&Version=2011-06-15")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.host == "sts.eu-west-1.amazonaws.com")
    }

    @Test("IAM ListAccessKeys follows Marker while IsTruncated")
    func markerPagination() async throws {
        func page(_ keys: [String], marker: String?) -> AWSHTTPResponse {
            let members = keys.map { "<member><UserName>u</UserName><AccessKeyId>\($0)</AccessKeyId><Status>Active</Status><CreateDate>2024-05-01T12:00:00Z</CreateDate></member>" }.joined()
            let tail = marker.map { "<IsTruncated>true</IsTruncated><Marker>\($0)</Marker>" } ?? "<IsTruncated>false</IsTruncated>"
            return .xml(status: 200, "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata>\(members)</AccessKeyMetadata>\(tail)</ListAccessKeysResult></ListAccessKeysResponse>")
        }
        let transport = ScriptedTransport([.respond(page(["AKIA1"], marker: "m1")), .respond(page(["AKIA2"], marker: nil))])
        let context = try TestContexts.scripted(transport, region: "eu-west-1")
        let keys = try await IAMClient(context: context).listAllAccessKeys(userName: "u", pageSize: 1)
        #expect(keys.map(\.accessKeyId) == ["AKIA1", "AKIA2"])
        #expect(keys.first?.createDate == AWSTimestamp.parseISO8601("2024-05-01T12:00:00Z"))
        let bodies = transport.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies == [
            "Action=ListAccessKeys&Version=2010-05-08&UserName=u&MaxItems=1",
            "Action=ListAccessKeys&Version=2010-05-08&UserName=u&Marker=m1&MaxItems=1",
        ])
        #expect(transport.requests.allSatisfy { $0.host == "iam.amazonaws.com" })
        #expect(transport.requests.allSatisfy { $0.headers["Authorization"]?.contains("/us-east-1/iam/aws4_request") == true })
    }

    @Test("AssumeRoleWithWebIdentity is sent unsigned")
    func webIdentityUnsigned() async throws {
        let transport = ScriptedTransport([.respond(.xml(status: 200, """
            <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>
            <Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00.000Z</Expiration></Credentials>
            <SubjectFromWebIdentityToken>repo:qsl</SubjectFromWebIdentityToken>
            </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
            """))])
        let context = try TestContexts.scripted(transport)
        let output = try await STSClient(context: context).assumeRoleWithWebIdentity(.init(
            roleArn: "arn:aws:iam::1:role/ci", roleSessionName: "ci", webIdentityToken: SecretValue("oidc.jwt")))
        #expect(output.credentials.expiration == AWSTimestamp.parseISO8601("2099-01-01T00:00:00Z"))
        #expect(output.subjectFromWebIdentityToken == "repo:qsl")
        #expect(transport.requests.first?.headers["Authorization"] == nil)
        #expect(String(decoding: transport.requests[0].body, as: UTF8.self).contains("WebIdentityToken=oidc.jwt"))
    }
}
