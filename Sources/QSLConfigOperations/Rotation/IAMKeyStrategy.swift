import Foundation
import QSLConfig
import QSLConfigAWS
import QSLConfigCore

/// IAM access keys (placeholder until the IAM parts land in this round).
enum IAMKeyStrategy {
    static func make(_ request: RotationRequest, definition: EnvironmentDefinition, store: any SecretStore) throws(RotationError) -> RotationOperation.KindStrategy? {
        nil
    }

    static func restore(for description: SecretDescription, makeAWSContext: @escaping @Sendable () throws -> QSLConfigAWS.AWSContext) throws(RotationError) -> (@Sendable (String, String) async throws(RotationError) -> Void)? {
        nil
    }
}
