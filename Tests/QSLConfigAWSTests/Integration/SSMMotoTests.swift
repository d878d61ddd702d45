import Foundation
import QSLConfigCore
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

@Suite("SSM Parameter Store against moto")
struct SSMMotoTests {
    @Test("put, get, batch get and recursive paginated get-by-path")
    func everyOperation() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let context = try TestContexts.live(endpoint: moto.endpointURL, credentials: TestContexts.dummyCredentials)
        let ssm = SSMClient(context: context)

        let put = try await ssm.putParameter(.init(
            name: "/qsl/test/config/Logging/Level", value: SecretValue("Information"), type: .string))
        #expect(put.version == 1)
        let overwritten = try await ssm.putParameter(.init(
            name: "/qsl/test/config/Logging/Level", value: SecretValue("Warning"), type: .string, overwrite: true))
        #expect(overwritten.version == 2)
        _ = try await ssm.putParameter(.init(
            name: "/qsl/test/config/Jwt/Secret", value: SecretValue("jwt-signing-secret"), type: .secureString))

        let level = try await ssm.getParameter(name: "/qsl/test/config/Logging/Level")
        #expect(level.value.unsafeRevealed == "Warning")
        #expect(level.version == 2)
        #expect(level.type == .string)

        let decrypted = try await ssm.getParameter(name: "/qsl/test/config/Jwt/Secret", withDecryption: true)
        #expect(decrypted.value.unsafeRevealed == "jwt-signing-secret")
        #expect(decrypted.type == .secureString)
        #expect("\(decrypted)".contains("jwt-signing-secret") == false)

        let batch = try await ssm.getParameters(names: ["/qsl/test/config/Logging/Level", "/qsl/test/config/Nope"])
        #expect(batch.parameters.map(\.name) == ["/qsl/test/config/Logging/Level"])
        #expect(batch.invalidParameters == ["/qsl/test/config/Nope"])

        let missing = await #expect(throws: AWSError.self) {
            try await ssm.getParameter(name: "/qsl/test/config/Nope")
        }
        #expect(missing?.awsErrorCode == "ParameterNotFound")

        for index in 0..<7 {
            _ = try await ssm.putParameter(.init(
                name: "/qsl/test/deep/level\(index % 2)/p\(index)", value: SecretValue("v\(index)"), type: .secureString))
        }
        let firstPage = try await ssm.getParametersByPath(.init(path: "/qsl/test/deep", recursive: true, maxResults: 2))
        #expect(firstPage.parameters.count == 2)
        #expect(firstPage.nextToken != nil)

        let all = try await ssm.getAllParametersByPath(.init(path: "/qsl/test/deep", recursive: true, withDecryption: true, maxResults: 2))
        #expect(all.count == 7)
        #expect(Set(all.map { $0.value.unsafeRevealed }) == Set((0..<7).map { "v\($0)" }))

        let shallow = try await ssm.getAllParametersByPath(.init(path: "/qsl/test/deep", recursive: false, maxResults: 2))
        #expect(shallow.isEmpty)
    }
}
