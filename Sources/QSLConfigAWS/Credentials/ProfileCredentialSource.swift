import QSLConfigCore

/// A profile of the shared `config`/`credentials` files: `role_arn` (with `source_profile`,
/// `credential_source` or `web_identity_token_file`), static keys, or `credential_process`,
/// in that order of precedence, as the AWS SDKs resolve them. A profile used as another's
/// `source_profile` takes its static keys before its own `role_arn`, as the SDKs do, so a role
/// is assumed with the base keys rather than through a second role.
///
/// An IAM Identity Center (SSO) profile is an error naming the way to use it, not a profile
/// without credentials: the chain must not go on to other credentials, which may be another
/// principal in another account.
struct ProfileCredentialSource: CredentialSource {
    let settings: CredentialSettings
    /// The profile was chosen with `--profile`: a profile without credentials is then an error,
    /// never a reason to try the rest of the chain.
    var isRequired = false
    var name: String { "profile \(settings.profileName)" }

    func load() async throws -> CredentialLookup {
        let lookup = try await load(profileName: settings.profileName, visited: [], asSource: false)
        if isRequired, case .notConfigured(let reason) = lookup {
            throw AWSCredentialsError(
                .misconfigured, source: name,
                "Profile \(settings.profileName) was chosen with --profile, and \(reason); give it aws_access_key_id/aws_secret_access_key, role_arn or credential_process, or choose another profile.")
        }
        return lookup
    }

    /// The SSO settings that mark an IAM Identity Center profile.
    static let ssoKeys = ["sso_session", "sso_start_url", "sso_account_id", "sso_role_name"]

    private func load(profileName: String, visited: [String], asSource: Bool) async throws -> CredentialLookup {
        guard let profile = settings.files.profiles[profileName] else {
            return .notConfigured("no [\(profileName)] in \(settings.files.credentialsPath) or \(settings.files.configPath)")
        }
        if asSource, let credentials = try staticKeys(profileName: profileName, profile: profile) {
            return .found(credentials)
        }
        if let roleArn = profile["role_arn"] {
            return .found(try await assumeRole(profileName: profileName, profile: profile, roleArn: roleArn, visited: visited))
        }
        if let credentials = try staticKeys(profileName: profileName, profile: profile) {
            return .found(credentials)
        }
        if let command = profile["credential_process"] {
            return .found(try await CredentialProcess.run(
                command: command, environment: settings.environment, profile: profileName))
        }
        if Self.ssoKeys.contains(where: { profile[$0] != nil }) {
            throw AWSCredentialsError(
                .misconfigured, source: "profile \(profileName)",
                "Profile \(profileName) is an IAM Identity Center (SSO) profile, which qsl-config does not sign in with; add `credential_process = aws configure export-credentials --profile \(profileName) --format process` to it (after `aws sso login`), or pass the credentials in the environment.")
        }
        return .notConfigured("profile \(profileName) has no credentials")
    }

    private func staticKeys(profileName: String, profile: [String: String]) throws -> AWSCredentials? {
        let keyId = profile["aws_access_key_id"]
        let secret = profile["aws_secret_access_key"]
        guard keyId != nil || secret != nil else { return nil }
        guard let keyId, let secret else {
            throw AWSCredentialsError(
                .misconfigured, source: "profile \(profileName)",
                "Profile \(profileName) sets only one of aws_access_key_id and aws_secret_access_key; set both.")
        }
        return AWSCredentials(
            accessKeyId: keyId,
            secretAccessKey: SecretValue(secret),
            sessionToken: profile["aws_session_token"].map(SecretValue.init),
            source: "profile \(profileName) (static)")
    }

    private func assumeRole(profileName: String, profile: [String: String], roleArn: String, visited: [String]) async throws -> AWSCredentials {
        let source = "assume-role via profile \(profileName)"
        if let tokenFile = profile["web_identity_token_file"] {
            return try await settings.webIdentity(
                tokenFile: tokenFile, roleArn: roleArn, sessionName: profile["role_session_name"],
                source: "web-identity via profile \(profileName)")
        }
        if profile["mfa_serial"] != nil {
            throw AWSCredentialsError(
                .misconfigured, source: source,
                "Profile \(profileName) needs an MFA code (mfa_serial), which qsl-config cannot prompt for; assume the role first (e.g. with the AWS CLI) and pass the temporary credentials in the environment.")
        }

        let sourceCredentials: AWSCredentials
        if let sourceProfile = profile["source_profile"] {
            if sourceProfile == profileName {
                guard let own = try staticKeys(profileName: profileName, profile: profile) else {
                    throw AWSCredentialsError(
                        .misconfigured, source: source,
                        "Profile \(profileName) names itself as source_profile but has no aws_access_key_id/aws_secret_access_key.")
                }
                sourceCredentials = own
            } else {
                let chain = visited + [profileName]
                if chain.contains(sourceProfile) {
                    throw AWSCredentialsError(
                        .misconfigured, source: source,
                        "The source_profile chain \((chain + [sourceProfile]).joined(separator: " -> ")) loops; make one profile in it hold keys.")
                }
                switch try await load(profileName: sourceProfile, visited: chain, asSource: true) {
                case .found(let credentials): sourceCredentials = credentials
                case .notConfigured(let reason):
                    throw AWSCredentialsError(
                        .misconfigured, source: source,
                        "Profile \(profileName) takes its credentials from source_profile \(sourceProfile), which has none (\(reason)).")
                }
            }
        } else if let credentialSource = profile["credential_source"] {
            let provider: any CredentialSource
            switch credentialSource {
            case "Environment": provider = EnvironmentCredentialSource(settings: settings)
            case "EcsContainer": provider = ContainerCredentialSource(settings: settings)
            case "Ec2InstanceMetadata": provider = IMDSCredentialSource(settings: settings)
            default:
                throw AWSCredentialsError(
                    .misconfigured, source: source,
                    "Profile \(profileName) has credential_source = \(credentialSource); use Environment, EcsContainer or Ec2InstanceMetadata.")
            }
            switch try await provider.load() {
            case .found(let credentials): sourceCredentials = credentials
            case .notConfigured(let reason):
                throw AWSCredentialsError(
                    .sourceFailed, source: source,
                    "Profile \(profileName) takes its credentials from \(credentialSource), which has none (\(reason)).")
            }
        } else {
            throw AWSCredentialsError(
                .misconfigured, source: source,
                "Profile \(profileName) has role_arn but neither source_profile nor credential_source; add one to say which credentials assume the role.")
        }

        do {
            let output = try await settings.sts(credentials: sourceCredentials).assumeRole(.init(
                roleArn: roleArn,
                roleSessionName: settings.sessionName(profile["role_session_name"]),
                durationSeconds: profile["duration_seconds"].flatMap { Int($0) },
                externalId: profile["external_id"]))
            var credentials = output.credentials
            credentials.source = source
            return credentials
        } catch let error as AWSError {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "Could not assume \(roleArn) for profile \(profileName) using credentials from \(sourceCredentials.source): \(error)")
        }
    }
}
