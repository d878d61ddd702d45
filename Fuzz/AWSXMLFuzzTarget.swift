// libFuzzer entry point for the AWS query-protocol (XML) response decoder (`scripts/fuzz.sh
// aws-xml`): STS and IAM outputs and XML error bodies, read through the real clients. Built by
// scripts/fuzz.sh with AWSFuzzSupport.swift against instrumented modules; never part of the
// package build.
//
// Input: byte 0 picks the operation, byte 1 the status and headers, the rest is the body.

import Foundation
@testable import QSLConfigAWS
@testable import QSLConfigCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAWSXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (operation, answer) = response(from: Array(UnsafeBufferPointer(start: data, count: size)))
    fuzzResponse = answer
    let sts = STSClient(context: fuzzContext)
    let iam = IAMClient(context: fuzzContext)
    runBlocking {
        do {
            switch operation % 8 {
            case 0: _ = try await sts.getCallerIdentity()
            case 1: _ = try await sts.assumeRole(.init(roleArn: "arn:aws:iam::1:role/r", roleSessionName: "fuzz"))
            case 2:
                _ = try await sts.assumeRoleWithWebIdentity(
                    .init(roleArn: "arn:aws:iam::1:role/r", roleSessionName: "fuzz", webIdentityToken: SecretValue("t")))
            case 3: _ = try await iam.listAllAccessKeys()
            case 4: _ = try await iam.createAccessKey(userName: "fuzz")
            case 5: try await iam.updateAccessKey(accessKeyId: "AKIDFUZZ", status: .inactive)
            case 6: try await iam.deleteAccessKey(accessKeyId: "AKIDFUZZ")
            default:
                if let node = XMLNode.parse(answer.body) {
                    _ = node.descendant("Error")
                    _ = node.members("Items")
                }
            }
        } catch {
            check(error, status: answer.status)
        }
    }
    return 0
}
