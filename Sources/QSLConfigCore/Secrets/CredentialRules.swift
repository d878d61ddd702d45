/// Every rule ``CredentialClassifier`` applies, in one place: the words that make a key name a
/// credential and those that make it a setting about one, the connection-string fields and URL
/// parameters that hold one, the well-known token shapes, and the entropy thresholds.
///
/// Kept apart from the scanning code so that a reviewer can read (and a test table can pin) what
/// counts as a credential without reading how values are parsed. Words are lower case ASCII;
/// key names are split into words at `_`, `-`, `.`, spaces, case changes and digits first
/// (`ClientSecret` is `client secret`, `QSL_LOCAL_STORE_KEY` is `qsl local store key`).
enum CredentialRules {
    // MARK: Key names

    /// Nouns that name a credential wherever they are the last meaningful word of a key's last
    /// segment (`Password`, `ClientSecret`, `ApiKey`, `ApiKeySepolia`: a trailing qualifier that
    /// is not a ``descriptorWords`` word keeps it a credential).
    static let credentialNouns: Set<String> = [
        "password", "passwd", "passphrase", "secret", "secrets", "credential", "credentials", "token", "tokens",
        "key", "keys", "connectionstring",
    ]

    /// Nouns that name a credential only as the very last word: `Pwd`, `PASS`, `NPM_AUTH`,
    /// `Cookie`, `Authorization`; `AuthMode`, `CookieSameSite` and `PassThrough` are settings.
    static let finalCredentialNouns: Set<String> = ["pwd", "pass", "auth", "authorization", "cookie", "cookies"]

    /// Single words (all one case, no separators) that are two words: `APIKEY`, `AUTHTOKEN`.
    static let compounds: [String: [String]] = [
        "apikey": ["api", "key"], "apikeys": ["api", "keys"], "accesskey": ["access", "key"], "privatekey": ["private", "key"],
        "secretkey": ["secret", "key"], "signingkey": ["signing", "key"], "masterkey": ["master", "key"],
        "encryptionkey": ["encryption", "key"], "serverkey": ["server", "key"], "webhookkey": ["webhook", "key"],
        "integrationkey": ["integration", "key"], "signaturekey": ["signature", "key"], "accountkey": ["account", "key"],
        "authkey": ["auth", "key"], "clientsecret": ["client", "secret"], "appsecret": ["app", "secret"],
        "apisecret": ["api", "secret"], "authtoken": ["auth", "token"], "accesstoken": ["access", "token"],
        "apitoken": ["api", "token"], "refreshtoken": ["refresh", "token"], "bearertoken": ["bearer", "token"],
        "idtoken": ["id", "token"], "sessiontoken": ["session", "token"], "securitytoken": ["security", "token"],
        "accountsid": ["account", "sid"], "projectid": ["project", "id"], "publickey": ["public", "key"],
        "keyid": ["key", "id"], "npmauth": ["npm", "auth"],
    ]

    /// ``compounds`` and every noun standing for itself, for one lookup per word
    /// (`CredentialClassifier.expand`); a compound wins over a noun of the same spelling.
    static let knownWords: [String: [String]] = {
        var known: [String: [String]] = [:]
        for noun in credentialNouns.union(finalCredentialNouns) { known[noun] = [noun] }
        known.merge(compounds) { _, compound in compound }
        return known
    }()

    /// Nouns found at the start or end of an unsplit word (`DBPASSWORD`, `passwordpolicy`).
    static let embeddedNouns = ["passphrase", "password", "passwd", "credentials", "credential", "secrets", "secret", "tokens", "token"]

    /// Words after the credential noun that make the key a setting about the credential rather
    /// than the credential: `TokenLifetime`, `KeyVaultName`, `PasswordPolicy`, `PasswordHash`,
    /// `SecretsManagerPrefix`, `TokenService`, `CookieSameSite`.
    static let descriptorWords: Set<String> = [
        "id", "ids", "name", "names", "path", "paths", "file", "files", "dir", "directory", "folder", "prefix", "suffix",
        "length", "size", "bits", "min", "max", "minimum", "maximum", "count", "limit", "limits", "lifetime", "expiry",
        "expiration", "expires", "expire", "expiresin", "ttl", "timeout", "duration", "minutes", "seconds", "hours", "days",
        "ms", "interval", "period", "age", "window", "leeway", "skew", "rotation", "policy", "policies", "options",
        "settings", "config", "configuration", "type", "types", "kind", "format", "algorithm", "algorithms", "alg",
        "version", "header", "headers", "validation", "validator", "parameters", "url", "uri", "urls", "endpoint",
        "endpoints", "address", "host", "port", "domain", "scheme", "schemes", "manager", "provider", "providers", "store",
        "service", "services", "vault", "location", "region", "arn", "issuer", "issuers", "audience", "audiences", "hash",
        "hashed", "hashes", "salt", "digest", "checksum", "sha", "sha1", "sha256", "sha512", "md5", "fingerprint",
        "thumbprint", "enabled", "enable", "disabled", "required", "require", "requires", "mode", "strategy", "source",
        "usage", "usages", "scope", "scopes", "claim", "claims", "field", "property", "complexity", "strength",
        "requirements", "reset", "history", "attempts", "retries", "lockout", "pattern", "regex", "label", "description",
        "contract", "decimals", "symbol", "supply", "network", "chain", "standard", "registry", "generator", "handler",
        "factory", "client", "cache", "samesite", "same", "site", "secure", "httponly", "http", "only", "sliding",
        "encipherment", "authority", "authorities", "schema", "lookup", "rotated", "characters", "chars", "placeholder",
    ]

    /// The ``descriptorWords`` of more than two letters, longest first (ties in alphabetical
    /// order): what `passwordpolicy`'s `policy` is looked for among. Ordered so that a rest
    /// ending in two of them (`httponly` and `only`) always reads as the longer.
    static let descriptorSuffixes: [String] = descriptorWords.filter { $0.count > 2 }.sorted {
        $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1
    }

    /// First words that make the key a switch or a question: `UseSecretsManager`,
    /// `AllowCredentials`, `RequiresApiKey`, `ValidateIssuerSigningKey`, `SaveTokens`, `MaxTokens`.
    static let leadingSettingWords: Set<String> = [
        "use", "uses", "enable", "enabled", "disable", "disabled", "allow", "allowed", "require", "requires", "required",
        "validate", "has", "is", "include", "includes", "send", "show", "hide", "mask", "check", "verify", "should", "can",
        "must", "save", "skip", "ignore", "accept", "expose", "log", "max", "min", "maximum", "minimum", "num", "number",
        "total",
    ]

    /// Words before `Key` that make it not a credential: `PublicKey`, `CacheKey`, `PartitionKey`.
    static let nonCredentialKeyModifiers: Set<String> = [
        "public", "cache", "partition", "sort", "routing", "primary", "foreign", "idempotency", "lookup", "object",
        "hot", "shortcut", "resource", "localization", "message", "row", "composite", "index", "dedup",
        "deduplication", "unique", "natural", "surrogate", "group", "correlation", "feature", "setting", "map",
    ]

    /// Words before `Token` that make it not a credential: `ContinuationToken`, `CancellationToken`.
    static let nonCredentialTokenModifiers: Set<String> = ["continuation", "next", "page", "pagination", "cancellation", "design", "erc20", "native"]

    /// Last two words that name an identifier some providers use as a credential (Infura's project
    /// id is its API key; Twilio's account SID names the account): redacted and warned about,
    /// never a policy error, since Firebase's project id is public.
    static let identifierPairs: [(String, String)] = [("project", "id"), ("account", "sid")]

    /// Sections whose values are all credentials (`Secrets:Foo`), folded with separators removed.
    static let credentialSections: Set<String> = ["SECRETS", "CREDENTIALS", "APIKEYS", "PASSWORDS"]

    /// Words that name a hash, not a credential: values under such keys get no entropy review.
    static let hashWords: Set<String> = ["hash", "hashed", "hashes", "sha", "sha1", "sha256", "sha512", "md5", "checksum", "digest", "fingerprint", "thumbprint"]

    /// ASCII stems (folded) at least one of which a credential key holds: a key with none of them
    /// is rejected by one byte scan, the common case for the thousands of keys validate reads.
    static let keyStems: [[UInt8]] = ["PASS", "PWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH", "COOKIE", "CONNECTION", "SID", "PROJECT"]
        .map { Array($0.utf8) }

    /// ``keyStems`` laid out for a scan of every key: their bytes end to end (no array per
    /// stem to retain in the loop), ordered by first byte, with the stems each byte starts, so
    /// that most positions of a key are passed over after one table look-up and the others try
    /// only the stems that begin with their byte.
    struct StemTable: Sendable {
        var bytes: [UInt8] = []
        /// Stems' byte ranges in ``bytes``, grouped by first byte.
        var ranges: [Range<Int>] = []
        /// For each byte, the slice of ``ranges`` holding the stems that start with it (empty
        /// for most bytes).
        var startingWith = [Range<Int>](repeating: 0..<0, count: 256)
    }

    static let keyStemTable: StemTable = {
        var table = StemTable()
        for first in UInt8.min...UInt8.max {
            let start = table.ranges.count
            for stem in keyStems where stem[0] == first {
                table.ranges.append(table.bytes.count..<(table.bytes.count + stem.count))
                table.bytes += stem
            }
            table.startingWith[Int(first)] = start..<table.ranges.count
        }
        return table
    }()

    // MARK: Values

    /// Connection-string fields (lower case, spaces, `_` and `-` removed) whose value is a
    /// credential: ADO.NET/Npgsql `Password=`, `Pwd=`, `User Password=`, Azure's `AccountKey=`
    /// and `SharedAccessKey=`, libpq's `password=`, StackExchange.Redis's `password=`.
    static let passwordFields: Set<String> = [
        "password", "pwd", "pass", "passwd", "userpassword", "passphrase", "accountkey", "sharedaccesskey",
        "sharedaccesssignature", "apikey", "secret", "clientsecret", "token", "authtoken", "accesstoken", "accesskey",
        "secretkey", "secretaccesskey",
    ]

    /// URL query parameters (lower case) whose value is a credential.
    static let queryKeyParameters: Set<String> = [
        "apikey", "api_key", "api-key", "key", "token", "access_token", "accesstoken", "auth", "auth_token", "authtoken",
        "id_token", "refresh_token", "sig", "signature", "secret", "client_secret", "x-amz-signature",
        "x-amz-security-token",
    ]

    /// URL query parameters that hold a password rather than a key.
    static let queryPasswordParameters: Set<String> = ["password", "pwd", "passwd", "pass"]

    /// API keys carried as a path segment: the host (or its suffix after a `.`), the segment
    /// before the key, and the key's shortest length and alphabet.
    struct PathKeyRule: Sendable {
        var hostSuffix: String
        var previousSegments: Set<String>
        var minimumLength: Int
        var hexOnly: Bool
    }

    static let pathKeyRules: [PathKeyRule] = [
        // https://mainnet.infura.io/v3/<32 hex>
        PathKeyRule(hostSuffix: "infura.io", previousSegments: ["v3"], minimumLength: 32, hexOnly: true),
        // https://eth-mainnet.g.alchemy.com/v2/<key>
        PathKeyRule(hostSuffix: "alchemy.com", previousSegments: ["v2", "v3"], minimumLength: 16, hexOnly: false),
        // https://name.quiknode.pro/<token>/
        PathKeyRule(hostSuffix: "quiknode.pro", previousSegments: [""], minimumLength: 20, hexOnly: false),
    ]

    /// Token shapes recognised anywhere in a value: a literal prefix, then at least
    /// `minimumLength` (and at most `maximumLength`) characters of the alphabet. The match must
    /// start at a word boundary and stop at one.
    struct TokenShape: Sendable {
        enum Alphabet: Sendable { case upperAlphanumeric, alphanumeric, alphanumericUnderscore, alphanumericDash, hex }
        var prefix: [UInt8]
        var kind: CredentialFinding.Kind
        var alphabet: Alphabet
        var minimumLength: Int
        var maximumLength: Int
    }

    static let tokenShapes: [TokenShape] = {
        func shape(_ prefix: String, _ kind: CredentialFinding.Kind, _ alphabet: TokenShape.Alphabet, _ minimum: Int, _ maximum: Int = 256) -> TokenShape {
            TokenShape(prefix: Array(prefix.utf8), kind: kind, alphabet: alphabet, minimumLength: minimum, maximumLength: maximum)
        }
        return [
            shape("AKIA", .awsAccessKeyId, .upperAlphanumeric, 16, 16),
            shape("ASIA", .awsAccessKeyId, .upperAlphanumeric, 16, 16),
            shape("sk_live_", .stripeKey, .alphanumeric, 10),
            shape("rk_live_", .stripeKey, .alphanumeric, 10),
            shape("sk_test_", .stripeKey, .alphanumeric, 10),
            shape("rk_test_", .stripeKey, .alphanumeric, 10),
            shape("ghp_", .githubToken, .alphanumeric, 30),
            shape("gho_", .githubToken, .alphanumeric, 30),
            shape("ghs_", .githubToken, .alphanumeric, 30),
            shape("ghu_", .githubToken, .alphanumeric, 30),
            shape("ghr_", .githubToken, .alphanumeric, 30),
            shape("github_pat_", .githubToken, .alphanumericUnderscore, 20),
            shape("xoxb-", .slackToken, .alphanumericDash, 10),
            shape("xoxp-", .slackToken, .alphanumericDash, 10),
            shape("xoxa-", .slackToken, .alphanumericDash, 10),
            shape("xoxr-", .slackToken, .alphanumericDash, 10),
            shape("xoxs-", .slackToken, .alphanumericDash, 10),
            shape("xapp-", .slackToken, .alphanumericDash, 10),
            shape("SK", .twilioKey, .hex, 32, 32),
        ]
    }()

    /// SendGrid keys: `SG.` then two base64url parts (22 and 43 characters in practice).
    static let sendGridParts = (first: 16...32, second: 30...50)

    /// AWS secret access keys, recognised when the key names one: 40 of `A-Za-z0-9/+`.
    static let awsSecretAccessKeyLength = 40
    static let awsSecretAccessKeyNames: [[String]] = [["secret", "access", "key"], ["aws", "secret", "key"]]

    // MARK: Review

    /// Base64-like strings at least this long, with letters and digits, are reviewed...
    static let entropyMinimumLength = 20
    /// ...when their Shannon entropy reaches this many bits per character.
    static let entropyMinimumBits = 3.5
    /// Hex strings are reviewed from this length...
    static let hexMinimumLength = 32
    /// ...when not made of a repeated few digits (`000...0`).
    static let hexMinimumBits = 3.0
}
