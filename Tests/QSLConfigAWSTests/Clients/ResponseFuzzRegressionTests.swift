import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

/// Responses `scripts/fuzz.sh aws-xml` / `aws-json` found to crash or mislead the clients, pinned
/// through the same clients and a scripted transport.
@Suite("AWS responses, fuzz regressions")
struct ResponseFuzzRegressionTests {
    static let overlongElementName: [UInt8] = [0x3C, 0xC0, 0x8C] + Array("a><b>c</b></a>".utf8)

    @Test("an XML body that is not UTF-8 is a malformed response, not a crash")
    func notUTF8Result() async throws {
        #expect(XMLNode.parse(Self.overlongElementName) == nil)
        let body = Array("<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>".utf8) + Self.overlongElementName
            + Array("</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>".utf8)
        let transport = ScriptedTransport(otherwise: .respond(AWSHTTPResponse(status: 200, body: body)))
        let context = try TestContexts.scripted(transport)
        let error = await #expect(throws: AWSError.self) {
            try await STSClient(context: context).assumeRoleWithWebIdentity(
                .init(roleArn: "arn:aws:iam::111122223333:role/r", roleSessionName: "s", webIdentityToken: SecretValue("t")))
        }
        #expect(error?.kind == .malformedResponse)
    }

    @Test("an XML error body that is not UTF-8 is an error without details, not a crash")
    func notUTF8Error() async throws {
        let transport = ScriptedTransport(otherwise: .respond(AWSHTTPResponse(status: 403, body: Self.overlongElementName)))
        let context = try TestContexts.scripted(transport)
        let error = await #expect(throws: AWSError.self) { try await IAMClient(context: context).createAccessKey(userName: "u") }
        #expect(error?.httpStatus == 403)
        #expect(error?.awsErrorCode == nil)
    }

    @Test("a processing instruction past the XML declaration, or a DOCTYPE, is refused, not parsed by FoundationXML")
    func processingInstructions() async throws {
        // `<?xmz?>` (a processing instruction without data) crashed FoundationXML.
        #expect(XMLNode.parse(Array("<?xmz?><A>s</A>".utf8)) == nil)
        #expect(XMLNode.parse(Array("<A><?pi?>s</A>".utf8)) == nil)
        // A declaration that never ends before the next tag is no declaration.
        #expect(XMLNode.parse(Array("<?xml vA><Err/<?xml?>8".utf8)) == nil)
        #expect(XMLNode.holdsMarkupAWSNeverSends(Array("<?xml v=\"1\"><A/><?x?>".utf8)))
        #expect(XMLNode.parse(Array(#"<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>"#.utf8)) == nil)
        let declared = XMLNode.parse(Array(#"<?xml version="1.0" encoding="UTF-8"?><A><B>s</B></A>"#.utf8))
        #expect(declared?.string("B") == "s")
        let transport = ScriptedTransport(otherwise: .respond(AWSHTTPResponse(status: 400, body: Array("<?xmz?><ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>".utf8))))
        let context = try TestContexts.scripted(transport)
        let error = await #expect(throws: AWSError.self) { try await STSClient(context: context).getCallerIdentity() }
        #expect(error?.httpStatus == 400)
        #expect(error?.awsErrorCode == nil)
    }
}
