// libFuzzer entry point for the AWS JSON 1.1 response decoders (`scripts/fuzz.sh aws-json`):
// Secrets Manager and SSM outputs, JSON error bodies, and the container credentials document,
// read through the real clients. Built by scripts/fuzz.sh with AWSFuzzSupport.swift against
// instrumented modules; never part of the package build.
//
// Input: byte 0 picks the operation, byte 1 the status and headers, the rest is the body.

import Foundation
@testable import QSLConfigAWS
@testable import QSLConfigCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAWSJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (operation, answer) = response(from: Array(UnsafeBufferPointer(start: data, count: size)))
    fuzzResponse = answer
    let secrets = SecretsManagerClient(context: fuzzContext)
    let ssm = SSMClient(context: fuzzContext)
    runBlocking {
        do {
            switch operation % 14 {
            case 0: _ = try await secrets.getSecretValue(.init(secretId: "qsl/fuzz")).secretString?.unsafeRevealed
            case 1: _ = try await secrets.batchGetSecretValue(.init(secretIdList: ["a", "b"]))
            case 2: _ = try await secrets.describeSecret(secretId: "qsl/fuzz")
            case 3: _ = try await secrets.listAllSecrets()
            case 4: _ = try await secrets.listAllSecretVersionIds(.init(secretId: "qsl/fuzz"))
            case 5: _ = try await secrets.createSecret(.init(name: "qsl/fuzz", secretString: SecretValue("x")))
            case 6: _ = try await secrets.putSecretValue(.init(secretId: "qsl/fuzz", secretString: SecretValue("x")))
            case 7: _ = try await secrets.updateSecretVersionStage(.init(secretId: "qsl/fuzz", versionStage: "AWSCURRENT"))
            case 8: _ = try await ssm.getParameter(name: "/qsl/fuzz")
            case 9: _ = try await ssm.getParameters(names: ["/a", "/b"])
            case 10: _ = try await ssm.getAllParametersByPath(.init(path: "/qsl/"))
            case 11: _ = try await ssm.putParameter(.init(name: "/qsl/fuzz", value: SecretValue("x"), type: .secureString))
            case 12: _ = try await secrets.batchGetAllSecretValues(.init(secretIdList: ["a"]))
            default: _ = try MetadataFetch.decodeCredentials(answer.body, source: "container", endpoint: "http://169.254.170.2/creds")
            }
        } catch {
            check(error, status: answer.status)
        }
    }
    return 0
}
