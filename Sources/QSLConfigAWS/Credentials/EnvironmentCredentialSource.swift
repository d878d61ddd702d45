#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`
/// (or the older `AWS_SECURITY_TOKEN`) and `AWS_CREDENTIAL_EXPIRATION`.
struct EnvironmentCredentialSource: CredentialSource {
    let settings: CredentialSettings
    var name: String { "environment" }

    func load() async throws -> CredentialLookup {
        let keyId = settings.value("AWS_ACCESS_KEY_ID")
        let secret = settings.value("AWS_SECRET_ACCESS_KEY")
        switch (keyId, secret) {
        case (nil, nil):
            return .notConfigured("AWS_ACCESS_KEY_ID is not set")
        case (nil, _), (_, nil):
            throw AWSCredentialsError(
                .misconfigured, source: name,
                "Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; set both, or unset both to use another credential source.")
        case (let keyId?, let secret?):
            return .found(AWSCredentials(
                accessKeyId: keyId,
                secretAccessKey: SecretValue(secret),
                sessionToken: (settings.value("AWS_SESSION_TOKEN") ?? settings.value("AWS_SECURITY_TOKEN")).map(SecretValue.init),
                expiration: settings.value("AWS_CREDENTIAL_EXPIRATION").flatMap(AWSTimestamp.parseISO8601),
                source: name))
        }
    }
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`): CI OIDC and EKS
/// service accounts.
struct WebIdentityCredentialSource: CredentialSource {
    let settings: CredentialSettings
    var name: String { "web-identity" }

    func load() async throws -> CredentialLookup {
        guard let tokenFile = settings.value("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            return .notConfigured("AWS_WEB_IDENTITY_TOKEN_FILE is not set")
        }
        guard let roleArn = settings.value("AWS_ROLE_ARN") else {
            throw AWSCredentialsError(
                .misconfigured, source: name,
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the ARN of the role to assume.")
        }
        return .found(try await settings.webIdentity(
            tokenFile: tokenFile, roleArn: roleArn, sessionName: settings.value("AWS_ROLE_SESSION_NAME"), source: name))
    }
}
