import QSLConfigCore
import Testing

/// The credential classifier as tables: key names, values with what is found in them (and
/// where), values left alone, review findings, and redaction.
@Suite("credential classifier")
struct CredentialClassifierTests {
    // MARK: Keys

    /// A key name and what the classifier must say about it.
    struct KeyCase: CustomTestStringConvertible, Sendable {
        var key: String
        var kind: CredentialClassifier.KeyKind?
        init(_ key: String, _ kind: CredentialClassifier.KeyKind?) {
            self.key = key
            self.kind = kind
        }
        var testDescription: String { "\(key) → \(kind.map { "\($0)" } ?? "not a credential")" }
    }

    static let keyCases: [KeyCase] = [
        // Named like a credential.
        .init("Db:Password", .credential), .init("Db:Pwd", .credential), .init("REDIS_PASS", .credential),
        .init("Db:Passwd", .credential), .init("Gpg:Passphrase", .credential), .init("Security:JWT:Secret", .credential),
        .init("Logto:ClientSecret", .credential), .init("Api:Token", .credential), .init("Stripe:ApiKey", .credential),
        .init("Stripe:Api_Key", .credential), .init("Jwt:Key", .credential), .init("QSL_LOCAL_STORE_KEY", .credential),
        .init("STRIPE_PUBLISHABLE_KEY", .credential), .init("Coinbase:PrivateKey", .credential),
        .init("AWS:LocalStack:AccessKey", .credential), .init("Deploy:Credential", .credential),
        .init("Deploy:Credentials", .credential), .init("Monitoring:ConnectionString", .credential),
        .init("Jwt:SigningKey", .credential), .init("Proxy:Auth", .credential), .init("Http:Authorization", .credential),
        .init("Session:Cookie", .credential), .init("NPM_AUTH", .credential), .init("Twilio:AuthToken", .credential),
        .init("APIKEY", .credential), .init("DB_PASSWORD", .credential), .init("dbpassword", .credential),
        .init("KESTRA_PASSWORD", .credential), .init("SURREALDB_PASS", .credential), .init("Logto:RefreshToken", .credential),
        .init("Blockchain:Alchemy:ApiKeySepolia", .credential), .init("Parameters:alchemy-api-key-sepolia", .credential),
        .init("MobileGateway:APNS:CertificatePassword", .credential), .init("Square:WebhookSignatureKey", .credential),
        .init("Security:ApiKeys:InternalServiceKey", .credential), .init("AWS:SecretAccessKey", .credential),
        // Under a section of credentials, whatever the leaf is called.
        .init("Secrets:Foo", .credential), .init("App:Secrets:Foo:Bar", .credential), .init("Credentials:Deploy", .credential),
        .init("ApiKeys:Internal", .credential), .init("API_KEYS:Partner", .credential), .init("Passwords:0", .credential),
        .init("Secrets:0", .credential),
        // Connection strings.
        .init("ConnectionStrings:postgres", .connectionString), .init("ConnectionStrings:cache", .connectionString),
        // Identifiers some providers use as a credential.
        .init("MobileGateway:Firebase:ProjectId", .identifier), .init("Twilio:AccountSid", .identifier),
        .init("Parameters:infura-project-id", .identifier),
        // Settings that merely mention a credential.
        .init("ConnectionStrings:postgres_ProviderName", nil), .init("PasswordPolicy:RequireUppercase", nil),
        .init("PasswordPolicy:MinLength", nil), .init("Identity:PasswordPolicy", nil), .init("Identity:Password:RequireUppercase", nil),
        .init("Jwt:TokenLifetime", nil), .init("Jwt:TokenExpiryMinutes", nil), .init("Azure:KeyVaultName", nil),
        .init("Security:PQC:PublicKey", nil), .init("KeyManagement:AWS:KeyId", nil), .init("Users:PasswordHash", nil),
        .init("Jwt:Issuer", nil), .init("Jwt:Audience", nil), .init("AWS:UseSecretsManager", nil),
        .init("AWS:SecretsManagerPrefix", nil), .init("Cors:AllowCredentials", nil),
        .init("Security:JWT:ValidateIssuerSigningKey", nil), .init("Network2_Ethereum:RequiresApiKey", nil),
        .init("Logto:RefreshTokenExpiry", nil), .init("ServiceUrls:TokenService", nil), .init("Logto:Authority", nil),
        .init("Kestrel:Port", nil), .init("Cache:KeyPrefix", nil), .init("Logging:LogLevel:Default", nil),
        .init("AiReview:MaxTokens", nil), .init("Auth:Mode", nil), .init("Proxy:AuthMode", nil), .init("Secrets:Provider", nil),
        .init("Session:CookieName", nil), .init("Session:CookieSameSite", nil), .init("Blockchain:TokenContractAddress", nil),
        .init("Encryption:MasterKeyPath", nil), .init("AWS:KMS:MasterKeyId", nil), .init("Security:PQC:KeyRotationDays", nil),
        .init("SecurityService:PasswordMinLength", nil), .init("Routing:PassThrough", nil), .init("Api:ContinuationToken", nil),
        .init("Storage:PartitionKey", nil), .init("Authorization:Policies:AdminOnly:RequiredRoles:0", nil),
        .init("Files:Sha256", nil), .init("Build:Checksum", nil),
        // Words that start like a credential noun but are not one, and the nouns themselves.
        .init("Book:Author", nil), .init("AUTHOR", nil), .init("Identity:Authority", nil), .init("Train:Passenger", nil),
        .init("Routing:PassThroughMode", nil), .init("Travel:Passport", nil), .init("Network:Bypass", nil),
        .init("Ui:Compass", nil), .init("Cookies:Consent", nil), .init("Auth:Provider", nil), .init("SECRETS_DIR", nil),
        .init("Pwd", .credential), .init("PASS", .credential), .init("Passphrase", .credential), .init("Auth", .credential),
        .init("Cookie", .credential), .init("Smtp:Auth", .credential), .init("Credentials:Smtp:User", .credential),
        .init("ApiKeys:Maps:0", .credential), .init("App:Credentials:Deploy:User", .credential),
        // Under a section of credentials a leaf named as a setting stays one, at any depth:
        // `Secrets:Aws:Region` configures where secrets live and is not one.
        .init("Credentials:Smtp:Host", nil), .init("Secrets:Aws:Region", nil), .init("ApiKeys:RotationDays", nil),
    ]

    @Test("key names: credentials, sections of credentials and connection strings, not settings about them", arguments: keyCases)
    func keyNames(_ c: KeyCase) {
        #expect(CredentialClassifier.keyKind(of: ConfigKey(c.key)) == c.kind)
        #expect(CredentialClassifier.isCredentialKey(ConfigKey(c.key)) == (c.kind != nil))
    }

    // MARK: Values

    /// A key and value, and the kinds and texts of what must be found in it.
    struct ValueCase: CustomTestStringConvertible, Sendable {
        var key: String
        var value: String
        var expected: [(CredentialFinding.Kind, String)]
        var includeReview = false
        init(_ key: String, _ value: String, _ expected: [(CredentialFinding.Kind, String)], review: Bool = false) {
            self.key = key
            self.value = value
            self.expected = expected
            self.includeReview = review
        }
        var testDescription: String { "\(key) = \(value.prefix(60))" }
    }

    static let ghp = "ghp_" + String(repeating: "aB3dE5gH7j", count: 3) + "K9mN1p"
    static let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----"
    static let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

    static let valueCases: [ValueCase] = [
        // Connection strings: ADO.NET/Npgsql, quoted values, libpq, StackExchange.Redis.
        .init("Db:Main", "Host=db;Username=u;Password=hunter3;SSL Mode=Require", [(.embeddedPassword, "hunter3")]),
        .init("Db:Main", "Server=x;Pwd=hunter3", [(.embeddedPassword, "hunter3")]),
        .init("Db:Main", "Server=x; User Password = hunter3 ;Port=1", [(.embeddedPassword, "hunter3")]),
        .init("Db:Main", #"Host=db;Password="a;b";Port=5432"#, [(.embeddedPassword, "a;b")]),
        .init("Db:Main", "Host=db;PASSWORD='it''s;x'", [(.embeddedPassword, "it''s;x")]),
        .init("Db:Main", "Endpoint=sb://ns.example/;SharedAccessKeyName=Root;SharedAccessKey=abc/def=", [(.embeddedPassword, "abc/def=")]),
        .init("Db:Main", "host=db password=secret dbname=app", [(.embeddedPassword, "secret")]),
        .init("Db:Main", "host=db password = 'a b;c' dbname=app", [(.embeddedPassword, "a b;c")]),
        .init("Db:Main", "host=db user=app password=s3cret dbname=x", [(.embeddedPassword, "s3cret")]),
        .init("Db:Main", "host=db password='a b' dbname=x", [(.embeddedPassword, "a b")]),
        .init("Db:Main", #"Server=db;User ID=app;Password="a;b";Database=x"#, [(.embeddedPassword, "a;b")]),
        .init("Cache:Main", "redis:6379,password=hunter3,ssl=True", [(.embeddedPassword, "hunter3")]),
        .init("Cache:Main", "password=hunter3", [(.embeddedPassword, "hunter3")]),
        .init("ConnectionStrings:cache", "localhost:6379,password=fake-redis-pass", [(.embeddedPassword, "fake-redis-pass")]),
        .init("Db:Surreal", "ws://localhost:8000/rpc;namespace=qsl;username=root;password=pw1", [(.embeddedPassword, "pw1")]),
        // URL user-info, the password up to the last `@`, `/?#@` in it or percent-encoded.
        .init("Bus:Url", "amqp://u:p@h", [(.embeddedPassword, "p")]),
        .init("Db:Url", "postgres://app:s3cr/t?#x@db.example:5432/app", [(.embeddedPassword, "s3cr/t?#x")]),
        .init("Db:Url", "postgres://app:p%2Fss@db/app?sslmode=require", [(.embeddedPassword, "p%2Fss")]),
        .init("Db:Url", "postgres://app:a@b@db/app", [(.embeddedPassword, "a@b")]),
        .init("Rpc:Url", "https://user:hunter3@rpc.example/v1", [(.embeddedPassword, "hunter3")]),
        .init("Cache:Url", "redis://:p/a?s#s@host:6379", [(.embeddedPassword, "p/a?s#s")]),
        .init("Db:Url", "postgres://u:p%2Fx@h/db", [(.embeddedPassword, "p%2Fx")]),
        // An `@` later in the URL cannot be told from one in the password: masked too much, never too little.
        .init("Db:Url", "postgres://u:p@h/db?next=@home", [(.embeddedPassword, "p@h/db?next=")]),
        .init("Note", "primary amqp://a:pw1@mq/x, fallback amqp://b:pw2@mq2/x", [(.embeddedPassword, "pw1"), (.embeddedPassword, "pw2")]),
        // API keys in URLs.
        .init("Rpc:Url", "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", [(.urlKey, "0123456789abcdef0123456789abcdef")]),
        .init("Rpc:Url", "https://eth-mainnet.g.alchemy.com/v2/AbCdEf0123456789xyz_-", [(.urlKey, "AbCdEf0123456789xyz_-")]),
        .init("Prices:Url", "https://api.example/v1/prices?symbol=ETH&apikey=abc123&x=1", [(.urlKey, "abc123")]),
        .init("Prices:Url", "https://api.example/v1?api_key=k1", [(.urlKey, "k1")]),
        .init("Rpc:Url", "https://rpc.example/v1?key=a,b", [(.urlKey, "a,b")]),
        .init("Blob:Url", "https://files.example/blob?sv=2022&sig=abcDEF%2B123", [(.urlKey, "abcDEF%2B123")]),
        .init("Callback:Url", "https://x.example/cb?access_token=tok123#frag", [(.urlKey, "tok123")]),
        .init("Hook:Url", "https://x.example/cb?token=t1&signature=s2", [(.urlKey, "t1"), (.urlKey, "s2")]),
        // Token shapes anywhere.
        .init("Note", "id AKIAIOSFODNN7EXAMPLE here", [(.awsAccessKeyId, "AKIAIOSFODNN7EXAMPLE")]),
        .init("Aws:Session", "ASIAIOSFODNN7EXAMPLE", [(.awsAccessKeyId, "ASIAIOSFODNN7EXAMPLE")]),
        .init("AWS:SecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", [(.awsSecretAccessKey, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]),
        .init("Billing:Note", "use sk_live_4eC39HqLyjWDarjtT1zdp7dc today", [(.stripeKey, "sk_live_4eC39HqLyjWDarjtT1zdp7dc")]),
        .init("Billing:Note", "rk_live_4eC39HqLyjWDarjtT1zdp7dc", [(.stripeKey, "rk_live_4eC39HqLyjWDarjtT1zdp7dc")]),
        .init("Ci:Note", ghp, [(.githubToken, ghp)]),
        .init("Ci:Note", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", [(.githubToken, "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")]),
        .init("Chat:Bot", "xoxb-1234567890-abcdefghij", [(.slackToken, "xoxb-1234567890-abcdefghij")]),
        .init("Chat:App", "xapp-1-A0123456789-abcdef", [(.slackToken, "xapp-1-A0123456789-abcdef")]),
        .init("Tls:Material", pem, [(.privateKey, pem)]),
        .init("Http:Header", "Bearer " + jwt, [(.jwt, jwt)]),
        .init("Mail:Note", "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", [(.sendGridKey, "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")]),
        .init("Sms:Note", "SK0123456789abcdef0123456789abcdef", [(.twilioKey, "SK0123456789abcdef0123456789abcdef")]),
        .init("Ci:Token", ghp, [(.githubToken, ghp)]),
        // The whole value, for a key named like a credential.
        .init("Jwt:Key", "plain-signing-key", [(.credentialKey, "plain-signing-key")]),
        .init("Db:Pwd", "hunter3", [(.credentialKey, "hunter3")]),
        .init("Secrets:Foo", "bar", [(.credentialKey, "bar")]),
        .init("Session:Cookie", "id=abc", [(.credentialKey, "id=abc")]),
        .init("Twilio:ApiKey", "123e4567-e89b-12d3-a456-426614174000", [(.credentialKey, "123e4567-e89b-12d3-a456-426614174000")]),
        // Left alone.
        .init("ConnectionStrings:api", "https://api.example/v1", []),
        .init("Jwt:Issuer", "https://issuer.example/", []),
        .init("Service:Url", "https://api.example/v1/items?page=2#top", []),
        .init("Request:Id", "123e4567-e89b-12d3-a456-426614174000", [], review: true),
        .init("Files:Sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", [], review: true),
        .init("Users:PasswordHash", "AQAAAAIAAYagAAAAEKx9w0rR1kq2b3Vn0JzQ+7u5Yx8WpZ3LmN4oP6sT9vU1", [], review: true),
        .init("App:Version", "1.2.3", [], review: true), .init("Api:Version", "v2", []), .init("Retry:Count", "42", []),
        .init("Jwt:Key", "true", []), .init("Db:Password", "12.5", []), .init("Jwt:TokenLifetime", "00:05:00", []),
        .init("Jwt:Secret", "PT5M", []), .init("Api:Token", "30s", []), .init("Kms:Key", "alias/qsl-production", []),
        .init("Kms:Key", "arn:aws:kms:eu-west-1:111122223333:key/abc", []), .init("Tls:Key", "/run/secrets/tls.key", []),
        .init("Db:Password", "${aws:secrets:qsl/db}", []), .init("Db:Password", "$<aws:secrets:qsl/db>", []),
        .init("Db:Password", "pre-${VAR}", []),
        // A variable's default is the value wherever the variable is unset: plaintext, found in
        // place. A variable without one, or any `aws:` reference (in any case), is not.
        .init("Logto:AppSecret", "${LOGTO_APP_SECRET:lgt_live_9f8e7d6c5b4a}", [(.credentialKey, "lgt_live_9f8e7d6c5b4a")]),
        .init("ConnectionStrings:db", "${PG:Host=ep.neon.tech;Password=NeonProdPass123}", [(.embeddedPassword, "NeonProdPass123")]),
        .init("Api:Token", "${X:}Hunter2-MyRealPassword", [(.credentialKey, "Hunter2-MyRealPassword")]),
        .init("Bus:Url", "amqp://u:${MQ_PASSWORD:guest2}@h/vhost", [(.embeddedPassword, "guest2")]),
        .init("Kestrel:Port", "${PORT:5432}", []), .init("Db:Password", "${DB_PASSWORD:30}", []), .init("Db:Password", "${DB_PASSWORD}", []),
        .init("Db:Password", "${AWS:secrets:qsl/db}", []), .init("Db:Password", "${X:}", []),
        .init("Db:Main", "Host=db;Password=${aws:secrets:qsl/db:password}", []),
        // Regression (fuzz: connection-string): a U+0001 in a password, the byte references fold
        // to, hid the password from redaction.
        .init("Cache:Main", "redis:6379,password=pw\u{01}word", [(.embeddedPassword, "pw\u{01}word")]),
        .init("Db:Main", "Host=db;Password=\u{01}${aws:secrets:qsl/db:password}", []),
        // Regression (fuzz: connection-string): the form that read the most pairs (here Redis's
        // `ssl=` and `abe=`) hid the password another form (ADO.NET's `Password=`) reads.
        .init("Cache:Main", "cache:6380,ssl=True,abe=u;Password=hunter3x", [(.embeddedPassword, "hunter3x")]),
        .init("Db:Main", "host=db password=s3cret;x=1;y=2", [(.embeddedPassword, "s3cret;x=1;y=2")]),
        // Regression (fuzz: connection-string): line breaks around a key (a multi-line string)
        // made it no key, where Npgsql and libpq skip them.
        .init("Db:Main", "Password\r\r=F\u{01},abortCo:6380", [(.embeddedPassword, "F\u{01},abortCo:6380")]),
        // (libpq reads this one too, to the next white space: the `;` is masked with it.)
        .init("Db:Main", "Host=db;\r\n\tPassword\r\n=hunter3x;\r\nPort=5432", [(.embeddedPassword, "hunter3x;")]),
        .init("Db:Main", "Host=db;\r\nPassword=hunter3x\r\n;Port=5432", [(.embeddedPassword, "hunter3x")]),
        .init("Db:Main", "host=db\npassword\t=\ts3cret\ndbname=x", [(.embeddedPassword, "s3cret")]),
        // Regression (fuzz: connection-string): text after a quoted value, which StackExchange.Redis
        // reads as part of the password, stayed visible.
        .init("Db:Main", "password='abc'def", [(.embeddedPassword, "abc'def")]),
        .init("Db:Main", "Host=db;Password='a'b ;Port=1", [(.embeddedPassword, "a'b")]),
        .init("Db:Main", "password=''\r\u{FFFD}\r", [(.embeddedPassword, "'\r\u{FFFD}")]),
        .init("Db:Password", "\u{01} ", [(.credentialKey, "\u{01} ")]),
        .init("Bus:Url", "amqp://u:${aws:secrets:qsl/mq:password}@h/vhost", []),
        .init("Rpc:Url", "https://mainnet.infura.io/v3/${aws:secrets:qsl/infura:projectId}", []),
        .init("Db:Password", "", []), .init("Db:Password", "<redacted>", []), .init("Db:Main", "Host=db;Password=;", []),
        .init("Db:Main", "Host=db;Port=5432", []), .init("Cache:Main", "redis:6379,ssl=True", []), .init("Plain", "plain", []),
        .init("Web:Url", "https://h.example:8080/@me", []), .init("Mail:To", "mailto:someone@example.com", []),
        .init("Web:Url", "https://someone@h.example/", []), .init("Jwt:Key", "$${literal}", [(.credentialKey, "$${literal}")]),
        .init("Note", "eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.c2ln", []),
        // Review: random enough to be a credential, and identifier keys.
        .init("Webhook:Target", "aB3dE5gH7jK9mN1pQ3sT5vX7z", [(.highEntropy, "aB3dE5gH7jK9mN1pQ3sT5vX7z")], review: true),
        .init("Webhook:Target", "aB3dE5gH7jK9mN1pQ3sT5vX7z", []),
        .init("Build:Commit", "3f786850e387550fdab836ed7e6dc881de23001b", [(.highEntropy, "3f786850e387550fdab836ed7e6dc881de23001b")], review: true),
        .init("Rpc:Url", "https://rpc.example/v1/aB3dE5gH7jK9mN1pQ3sT5vX7z/x", [(.highEntropy, "aB3dE5gH7jK9mN1pQ3sT5vX7z")], review: true),
        .init("Blockchain:Infura:ProjectId", "00000000000000000000000000000000", [(.identifierKey, "00000000000000000000000000000000")], review: true),
        .init("MobileGateway:Firebase:ProjectId", "fake-qsl-mobile", []),
        .init("Logging:Template", "{Timestamp:yyyy-MM-dd HH:mm:ss} [{Level}] {Message}{NewLine}", [], review: true),
    ]

    @Test("values: what is found, where, and of which kind", arguments: valueCases)
    func values(_ c: ValueCase) {
        let findings = CredentialClassifier.findings(key: ConfigKey(c.key), value: c.value, includeReview: c.includeReview)
        #expect(findings.map(\.kind) == c.expected.map(\.0))
        #expect(findings.map { String(c.value[$0.range]) } == c.expected.map(\.1))
        let bytes = Array(c.value.utf8)
        #expect(findings.map { String(decoding: bytes[$0.utf8Offsets], as: UTF8.self) } == c.expected.map(\.1), "byte offsets agree with the range")
        for (finding, (_, text)) in zip(findings, c.expected) where text.count >= 4 {
            #expect(!finding.description.contains(text), "a finding never prints the value")
        }
    }

    // MARK: Redaction

    struct RedactionCase: CustomTestStringConvertible, Sendable {
        var key: String?
        var value: String
        var redacted: String?
        init(_ key: String?, _ value: String, _ redacted: String?) {
            self.key = key
            self.value = value
            self.redacted = redacted
        }
        var testDescription: String { "\(key ?? "-") = \(value.prefix(60))" }
    }

    static let redactionCases: [RedactionCase] = [
        .init(nil, "Host=db;Username=u;Password=hunter3;SSL Mode=Require", "Host=db;Username=u;Password=<redacted>;SSL Mode=Require"),
        .init(nil, #"Host=db;Password="a;b";Port=5432"#, #"Host=db;Password="<redacted>";Port=5432"#),
        .init(nil, "host=db password=secret dbname=app", "host=db password=<redacted> dbname=app"),
        .init(nil, "redis:6379,password=hunter3,ssl=True", "redis:6379,password=<redacted>,ssl=True"),
        .init("Bus:Url", "amqp://app:p/ss@mq:5672", "amqp://app:<redacted>@mq:5672"),
        .init(nil, "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", "https://mainnet.infura.io/v3/<redacted>"),
        .init(nil, "key AKIAIOSFODNN7EXAMPLE and \(ghp)", "key <redacted> and <redacted>"),
        .init("Db:Pwd", "x", "<redacted>"), .init("Secrets:Foo", "", "<redacted>"),
        .init("Service:Url", "https://api.example", nil), .init(nil, "aB3dE5gH7jK9mN1pQ3sT5vX7z", nil),
        .init(nil, "Host=db;Password=;", nil),
    ]

    @Test(
        "a resolved value is read literally: a password holding '${' is a password, a reference's text is text",
        arguments: [
            ("amqp://app:Tr0ub${4dor}x@mq.internal:5672/", "amqp://app:<redacted>@mq.internal:5672/"),
            ("redis.internal:6380,password=Zq9${k}Lm,ssl=True", "redis.internal:6380,password=<redacted>,ssl=True"),
            ("Host=db;Password=${aws:secrets:qsl/db:password}", "Host=db;Password=<redacted>"),
            ("Host=db;Password=$${x}", "Host=db;Password=<redacted>"),
        ])
    func literalValues(_ value: String, _ redacted: String) {
        #expect(CredentialClassifier.redacting(value, key: nil, readsReferences: false) == redacted)
        #expect(CredentialClassifier.containsCredential(value, readsReferences: false))
    }

    @Test("redaction masks exactly the credential parts, or the whole value of a credential key", arguments: redactionCases)
    func redaction(_ c: RedactionCase) {
        #expect(CredentialClassifier.redacting(c.value, key: c.key.map { ConfigKey($0) }) == c.redacted)
    }

    @Test("a plain setting is a boolean, number, duration, version, path, ARN, alias or URL", arguments: [
        ("true", true), ("False", true), ("42", true), ("-1.5", true), ("00:05:00", true), ("30s", true), ("1h30m", true),
        ("PT5M", true), ("v2", true), ("1.2.3", true), ("/run/x", true), ("qsl/dev/", true), ("arn:aws:kms:x", true),
        ("alias/x", true), ("https://x.example", true), ("<redacted>", true),
        ("hunter3", false), ("nan", false), ("s3cr3t", false), ("v2-key", false), ("30 seconds", false),
    ])
    func plainSettings(_ value: String, _ expected: Bool) {
        #expect(CredentialClassifier.isPlainSetting(value) == expected)
    }
}
