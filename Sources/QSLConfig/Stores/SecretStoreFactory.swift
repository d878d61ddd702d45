import QSLConfigAWS
import QSLConfigCore

/// Picks and builds the secret store a command or a service uses.
public enum SecretStoreFactory {
    /// Which store.
    public enum Kind: String, Sendable, CaseIterable {
        /// Secrets Manager and Parameter Store.
        case aws
        /// The embedded local store.
        case local
        /// `aws` when AWS is configured (see ``awsIsConfigured(environment:profile:endpointURL:)``), else `local`.
        case auto
    }

    /// Whether this machine is set up to talk to AWS: an explicit profile or endpoint, AWS
    /// credentials or a profile in the environment, web identity, ECS container credentials, an
    /// endpoint for either service the store calls (`AWS_ENDPOINT_URL`,
    /// `AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_SSM`), or a shared credentials or
    /// config file. The files are found as the credential chain finds them
    /// (`AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` with `~` expanded to `HOME`), so
    /// `auto` never picks the local store while the chain would have found credentials. EC2
    /// instance metadata is not probed, so a laptop without AWS set-up never waits on it.
    public static func awsIsConfigured(environment: [String: String], profile: String? = nil, endpointURL: String? = nil) -> Bool {
        if profile != nil || endpointURL != nil { return true }
        let variables = [
            "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL",
        ] + [AWSService.secretsManager, .ssm].map { "AWS_ENDPOINT_URL_\($0.environmentSuffix)" }
        if variables.contains(where: { environment[$0].map { !$0.isEmpty } ?? false }) { return true }
        let files = SharedConfigFiles.paths(environment: environment)
        return [files.credentials, files.config].contains { FileBytes.exists($0) }
    }

    /// Builds the store.
    ///
    /// - Parameters:
    ///   - kind: `aws`, `local` or `auto`.
    ///   - localStorePath: The local store file (``LocalSecretStore/defaultPath`` when `nil`).
    ///   - profile, region, endpointURL: AWS settings (`--profile`, `--region`, `--endpoint-url`).
    ///   - environment: The variables AWS and the local store key are read from.
    /// - Throws: ``StoreError`` when the AWS settings are unusable (an unknown profile, a plain
    ///   `http://` endpoint that is not loopback).
    public static func make(
        _ kind: Kind,
        localStorePath: String? = nil,
        profile: String? = nil,
        region: String? = nil,
        endpointURL: String? = nil,
        environment: [String: String]
    ) throws(StoreError) -> any SecretStore {
        let resolved = kind == .auto ? (awsIsConfigured(environment: environment, profile: profile, endpointURL: endpointURL) ? .aws : .local) : kind
        switch resolved {
        case .local, .auto:
            return LocalSecretStore(path: localStorePath ?? LocalSecretStore.defaultPath, environment: environment)
        case .aws:
            do {
                return AWSSecretStore(context: try AWSContext(profile: profile, region: region, endpointURL: endpointURL, environment: environment))
            } catch {
                throw StoreError(.invalidRequest, "\(error)")
            }
        }
    }
}
