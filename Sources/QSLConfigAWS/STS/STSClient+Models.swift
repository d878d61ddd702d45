import QSLConfigCore

extension STSClient {
    /// `GetCallerIdentity` result.
    public struct CallerIdentity: Sendable, Hashable, Codable {
        /// The 12-digit account id.
        public var account: String
        public var arn: String
        public var userId: String

        public init(account: String, arn: String, userId: String) {
            self.account = account
            self.arn = arn
            self.userId = userId
        }
    }

    /// `AssumeRole` parameters.
    public struct AssumeRoleInput: Sendable, Hashable {
        public var roleArn: String
        public var roleSessionName: String
        public var durationSeconds: Int?
        public var externalId: String?
        /// An inline session policy (JSON) that narrows the role's permissions.
        public var policy: String?

        public init(roleArn: String, roleSessionName: String, durationSeconds: Int? = nil, externalId: String? = nil, policy: String? = nil) {
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
            self.durationSeconds = durationSeconds
            self.externalId = externalId
            self.policy = policy
        }
    }

    /// `AssumeRoleWithWebIdentity` parameters.
    public struct AssumeRoleWithWebIdentityInput: Sendable, Hashable {
        public var roleArn: String
        public var roleSessionName: String
        /// The OIDC token; a bearer credential, so it is kept redacted.
        public var webIdentityToken: SecretValue
        public var durationSeconds: Int?

        public init(roleArn: String, roleSessionName: String, webIdentityToken: SecretValue, durationSeconds: Int? = nil) {
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
            self.webIdentityToken = webIdentityToken
            self.durationSeconds = durationSeconds
        }
    }

    /// The temporary credentials and the assumed role's identity.
    public struct AssumeRoleOutput: Sendable, Hashable {
        public var credentials: AWSCredentials
        public var assumedRoleArn: String?
        public var subjectFromWebIdentityToken: String?
    }
}
