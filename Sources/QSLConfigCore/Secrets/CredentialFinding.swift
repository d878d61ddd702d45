/// One credential ``CredentialClassifier`` found in a configuration value: what kind it is and
/// where it sits in the value, never the value itself.
///
/// The range is given twice: as `String.Index` bounds for slicing or replacing within the value,
/// and as UTF-8 byte offsets for reports and for editing the value's text in a file. Printing a
/// finding shows its kind and offsets only, so findings can go into logs and error messages.
///
/// ```swift
/// let value = "Host=db;Password=hunter2;SSL Mode=Require"
/// let finding = CredentialClassifier.findings(key: "Db:Main", value: value)[0]
/// finding.kind          // .embeddedPassword
/// finding.utf8Offsets   // 17..<24
/// value[finding.range]  // "hunter2"
/// ```
public struct CredentialFinding: Sendable, Hashable, CustomStringConvertible {
    /// What was found. The raw value names the kind in reports (`embedded-password`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The whole value: the key names a credential (`Password`, `ApiKey`, `Secrets:Foo`).
        case credentialKey = "credential-key"
        /// The whole value: the key names an identifier some providers use as a credential
        /// (`ProjectId`, `AccountSid`). Lower confidence: reported for review only.
        case identifierKey = "identifier-key"
        /// The password of a connection string (`Password=`, libpq's `password=`, Redis's
        /// `,password=`) or of a URL's user-info (`amqp://user:password@host`).
        case embeddedPassword = "embedded-password"
        /// An API key in a URL: a path segment (Infura's `/v3/KEY`) or a query parameter
        /// (`?apikey=`, `token=`, `sig=`).
        case urlKey = "url-key"
        /// An AWS access key id (`AKIA...`, `ASIA...`).
        case awsAccessKeyId = "aws-access-key-id"
        /// An AWS secret access key, under a key that names one.
        case awsSecretAccessKey = "aws-secret-access-key"
        /// A Stripe secret or restricted key (`sk_live_`, `rk_live_`).
        case stripeKey = "stripe-key"
        /// A GitHub token (`ghp_`, `gho_`, `ghs_`, `ghu_`, `github_pat_`).
        case githubToken = "github-token"
        /// A Slack token (`xoxb-`, `xoxp-`, `xapp-`).
        case slackToken = "slack-token"
        /// A PEM private key block (`-----BEGIN ... PRIVATE KEY-----`).
        case privateKey = "private-key"
        /// A JSON Web Token: three base64url parts, the first a JSON header with `alg`.
        case jwt
        /// A SendGrid API key (`SG.x.y`).
        case sendGridKey = "sendgrid-key"
        /// A Twilio API key (`SK` and 32 hex digits).
        case twilioKey = "twilio-key"
        /// A string random enough to be a credential. Lower confidence: reported for review
        /// only, never redacted or migrated unless asked.
        case highEntropy = "high-entropy"

        /// How sure the classifier is.
        public var confidence: Confidence {
            switch self {
            case .identifierKey, .highEntropy: .review
            default: .credential
            }
        }

        /// Whether the finding is a part of the value that the value's own shape gives away (a
        /// password field, a URL key, a token), as opposed to the whole value because of its key.
        public var isEmbedded: Bool {
            switch self {
            case .credentialKey, .identifierKey, .highEntropy: false
            default: true
            }
        }

        /// A short phrase for messages: "a URL password", never the value.
        public var phrase: String {
            switch self {
            case .credentialKey: "a credential"
            case .identifierKey: "an identifier some providers use as a credential"
            case .embeddedPassword: "an embedded password"
            case .urlKey: "an API key in a URL"
            case .awsAccessKeyId: "an AWS access key id"
            case .awsSecretAccessKey: "an AWS secret access key"
            case .stripeKey: "a Stripe secret key"
            case .githubToken: "a GitHub token"
            case .slackToken: "a Slack token"
            case .privateKey: "a PEM private key"
            case .jwt: "a JSON Web Token"
            case .sendGridKey: "a SendGrid API key"
            case .twilioKey: "a Twilio API key"
            case .highEntropy: "a high-entropy string"
            }
        }
    }

    /// How sure the classifier is that a finding is a credential.
    public enum Confidence: String, Sendable, Hashable {
        /// A credential: redacted on display, refused in plaintext outside development.
        case credential
        /// Possibly a credential: for a person to review (`migrate` moves it only when asked).
        case review
    }

    public var kind: Kind
    /// Where the credential is in the value.
    public var range: Range<String.Index>
    /// The same range as UTF-8 byte offsets from the start of the value.
    public var utf8Offsets: Range<Int>

    public init(kind: Kind, range: Range<String.Index>, utf8Offsets: Range<Int>) {
        self.kind = kind
        self.range = range
        self.utf8Offsets = utf8Offsets
    }

    public var confidence: Confidence { kind.confidence }

    /// The kind and byte offsets; never the value.
    public var description: String { "\(kind.rawValue) at bytes \(utf8Offsets.lowerBound)..<\(utf8Offsets.upperBound)" }
}
