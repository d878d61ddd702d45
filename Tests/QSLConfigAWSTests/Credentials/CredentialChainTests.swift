import Foundation
import QSLConfigCore
import QSLConfigTesting
import Synchronization
import Testing

@testable import QSLConfigAWS

@Suite("Credential chain")
struct CredentialChainTests {
    func context(
        _ environment: [String: String], profile: String? = nil, credentials: AWSCredentials? = nil,
        transport: ScriptedTransport = ScriptedTransport(), region: String? = "us-east-1",
        now: @escaping @Sendable () -> Date = { Date() }, containerBaseURL: String? = nil
    ) throws -> AWSContext {
        try TestContexts.scripted(
            transport, environment: environment, credentials: credentials, profile: profile, region: region, now: now,
            containerBaseURL: containerBaseURL)
    }

    static let envKeys = ["AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY": "env-secret"]

    /// A config directory holding `credentials` and `config` files.
    struct Files {
        let directory: URL
        var environment: [String: String] {
            [
                "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
                "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
            ]
        }
        init(credentials: String = "", config: String = "") throws {
            directory = try TestContexts.temporaryDirectory()
            try TestContexts.write(credentials, to: directory.appendingPathComponent("credentials"))
            try TestContexts.write(config, to: directory.appendingPathComponent("config"))
        }
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test("environment variables, with the session token")
    func environment() async throws {
        var env = Self.envKeys
        env["AWS_SESSION_TOKEN"] = "env-token"
        let credentials = try await context(env).credentialsProvider.credentials()
        #expect(credentials.accessKeyId == "AKIAENVIRONMENT00001")
        #expect(credentials.secretAccessKey.unsafeRevealed == "env-secret")
        #expect(credentials.sessionToken?.unsafeRevealed == "env-token")
        #expect(credentials.source == "environment")
        #expect(!"\(credentials)".contains("env-secret"))
    }

    @Test("half a key pair in the environment is an error, not a silent skip")
    func partialEnvironment() async throws {
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await context(["AWS_ACCESS_KEY_ID": "AKIAONLY"]).credentialsProvider.credentials()
        }
        #expect(error?.kind == .misconfigured)
        #expect("\(error!)".contains("Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"))
    }

    @Test("explicit credentials come before the environment")
    func explicitFirst() async throws {
        let explicit = AWSCredentials(accessKeyId: "AKIAEXPLICIT", secretAccessKey: SecretValue("x"), source: "explicit options")
        let credentials = try await context(Self.envKeys, credentials: explicit).credentialsProvider.credentials()
        #expect(credentials.source == "explicit options")
    }

    @Test("static keys in a profile; --profile beats the environment, AWS_PROFILE does not")
    func staticProfile() async throws {
        let files = try Files(credentials: """
            [default]
            aws_access_key_id = AKIADEFAULT000000001
            aws_secret_access_key = default-secret

            [dev]
            aws_access_key_id = AKIADEV0000000000001
            aws_secret_access_key = dev-secret
            aws_session_token = dev-token
            """)
        defer { files.remove() }
        let byDefault = try await context(files.environment).credentialsProvider.credentials()
        #expect(byDefault.source == "profile default (static)")
        #expect(byDefault.accessKeyId == "AKIADEFAULT000000001")

        let explicit = try await context(files.environment.merging(Self.envKeys) { $1 }, profile: "dev").credentialsProvider.credentials()
        #expect(explicit.source == "profile dev (static)")
        #expect(explicit.sessionToken?.unsafeRevealed == "dev-token")

        let viaVariable = try await context(
            files.environment.merging(Self.envKeys) { $1 }.merging(["AWS_PROFILE": "dev"]) { $1 }
        ).credentialsProvider.credentials()
        #expect(viaVariable.source == "environment")
        let viaVariableOnly = try await context(files.environment.merging(["AWS_PROFILE": "dev"]) { $1 }).credentialsProvider.credentials()
        #expect(viaVariableOnly.source == "profile dev (static)")
    }

    @Test("credential_process runs the command and reads its JSON; failures never quote stdout")
    func credentialProcess() async throws {
        let scratch = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out.json")
        try TestContexts.write(#"{"Version":1,"AccessKeyId":"AKIAPROCESS000000001","SecretAccessKey":"leaked-if-quoted"}"#, to: output)
        let files = try Files(config: """
            [profile tool]
            credential_process = printf '{"Version":1,"AccessKeyId":"AKIAPROCESS000000001","SecretAccessKey":"process-secret","SessionToken":"process-token","Expiration":"2099-01-01T00:00:00Z"}'

            [profile broken]
            credential_process = sh -c 'cat \(output.path); echo "token expired, run login" >&2; exit 4'
            """)
        defer { files.remove() }
        let credentials = try await context(files.environment, profile: "tool").credentialsProvider.credentials()
        #expect(credentials.source == "profile tool (credential_process)")
        #expect(credentials.accessKeyId == "AKIAPROCESS000000001")
        #expect(credentials.sessionToken?.unsafeRevealed == "process-token")
        #expect(credentials.expiration == AWSTimestamp.parseISO8601("2099-01-01T00:00:00Z"))

        let error = await #expect(throws: AWSCredentialsError.self) {
            try await context(files.environment, profile: "broken").credentialsProvider.credentials()
        }
        #expect("\(error!)".contains("exited with status 4: token expired, run login"))
        #expect(!"\(error!)".contains("leaked-if-quoted"))
        #expect("\(error!)".contains("The credential_process of profile broken exited"))
        #expect(!"\(error!)".contains(output.path))  // command lines often carry tokens: never quoted
    }

    static let processEnvironment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]

    @Test("a credential_process that hangs is stopped at its deadline with everything it started, and the error names the profile, not the command")
    func credentialProcessDeadline() async throws {
        let scratch = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let pidFile = scratch.appendingPathComponent("pid")
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await CredentialProcess.run(
                command: "sleep 60 & echo $! > \(pidFile.path); sleep 60; echo --token=command-line-canary",
                environment: Self.processEnvironment, profile: "slow",
                limits: .init(deadline: .milliseconds(500)))
        }
        // The deadline, not the command's own end, stopped it: the error says so.
        #expect("\(error!)".contains("The credential_process of profile slow did not finish within 0.5 seconds"))
        #expect(!"\(error!)".contains("command-line-canary"))
        let child = try #require(Int32(String(decoding: try Data(contentsOf: pidFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await Self.ends(child), "the background sleep the command started is still running")
    }

    /// Whether `pid` is gone (or a zombie) soon: a killed process is reaped at once, so this
    /// only waits out a loaded machine.
    static func ends(_ pid: Int32) async -> Bool {
        for _ in 0..<300 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let state = stat.split(separator: ")").last?.split(separator: " ").first, state == "Z" { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test("a credential_process that floods stdout is stopped at the output limit, and its output is not quoted")
    func credentialProcessOutputLimit() async throws {
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await CredentialProcess.run(
                command: "yes leaked-if-quoted | head -c 1000000", environment: Self.processEnvironment,
                profile: "chatty")
        }
        #expect("\(error!)".contains("printed more than 65536 bytes"))
        #expect(!"\(error!)".contains("leaked-if-quoted"))
    }

    /// The credentials `profile` gives from `config` over a `[base]` profile of static keys,
    /// STS answering one `AssumeRole`; and what reached STS.
    func assumed(
        _ config: String, profile: String, environment extra: [String: String] = [:], region: String? = "us-east-1"
    ) async throws -> (credentials: AWSCredentials, transport: ScriptedTransport) {
        let files = try Files(credentials: "[base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = base-secret\n", config: config)
        defer { files.remove() }
        let transport = ScriptedTransport([.respond(.xml(status: 200, Self.assumeRoleResponse(expiration: "2099-01-01T00:00:00Z")))])
        let credentials = try await context(files.environment.merging(extra) { $1 }, profile: profile, transport: transport, region: region)
            .credentialsProvider.credentials()
        return (credentials, transport)
    }

    @Test("role_arn with source_profile signs AssumeRole with the source profile's keys")
    func assumeRoleRequest() async throws {
        let (credentials, transport) = try await assumed(
            """
            [profile ops]
            role_arn = arn:aws:iam::111122223333:role/ops
            source_profile = base
            external_id = ext-1
            role_session_name = qsl-ops
            """, profile: "ops", environment: ["AWS_REGION": "eu-west-1"], region: nil)
        #expect(credentials.source == "assume-role via profile ops")
        #expect(credentials.accessKeyId == "ASIAASSUMED000000001")
        #expect(credentials.sessionToken?.unsafeRevealed == "assumed-token")

        let request = try #require(transport.requests.first)
        #expect(request.host == "sts.eu-west-1.amazonaws.com")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.contains("Action=AssumeRole"))
        #expect(body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fops"))
        #expect(body.contains("ExternalId=ext-1"))
        #expect(body.contains("RoleSessionName=qsl-ops"))
        #expect(request.headers["Authorization"]?.contains("Credential=AKIABASE000000000001/") == true)
    }

    @Test("a profile chosen with --profile that has no credentials, or an SSO profile however chosen, is an error: never another identity")
    func chosenProfileNeverFallsThrough() async throws {
        let files = try Files(config: """
            [profile empty]
            region = eu-west-1
            [profile prod-admin]
            sso_session = corp
            sso_account_id = 999999999999
            sso_role_name = Admin
            """)
        defer { files.remove() }
        let withEnvironmentKeys = files.environment.merging(Self.envKeys) { $1 }
        let empty = await #expect(throws: AWSCredentialsError.self) {
            try await context(withEnvironmentKeys, profile: "empty").credentialsProvider.credentials()
        }
        #expect("\(empty!)".contains("Profile empty was chosen with --profile, and profile empty has no credentials"), "\(empty!)")
        let sso = await #expect(throws: AWSCredentialsError.self) {
            try await context(withEnvironmentKeys, profile: "prod-admin").credentialsProvider.credentials()
        }
        #expect("\(sso!)".contains("IAM Identity Center (SSO) profile"), "\(sso!)")
        #expect("\(sso!)".contains("aws configure export-credentials --profile prod-admin --format process"))
        // Through AWS_PROFILE, the environment's keys still come first (as the SDKs do); without
        // them, the SSO profile stops the chain instead of falling through to the container's or
        // the instance's credentials.
        let viaVariable = try await context(withEnvironmentKeys.merging(["AWS_PROFILE": "prod-admin"]) { $1 }).credentialsProvider.credentials()
        #expect(viaVariable.source == "environment")
        let container = files.environment.merging(["AWS_PROFILE": "prod-admin", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"]) { $1 }
        let transport = ScriptedTransport([.respond(AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument.utf8)))])
        await #expect(throws: AWSCredentialsError.self) {
            try await context(container, transport: transport).credentialsProvider.credentials()
        }
        #expect(transport.requests.isEmpty, "the container was not asked")
    }

    @Test("a source profile with static keys and a role of its own lends its keys: one AssumeRole, signed with them")
    func sourceProfileKeysBeforeItsRole() async throws {
        let (credentials, transport) = try await assumed(
            """
            [profile base]
            role_arn = arn:aws:iam::111122223333:role/base
            source_profile = base
            [profile app]
            role_arn = arn:aws:iam::111122223333:role/app
            source_profile = base
            duration_seconds = 7200
            """, profile: "app")
        #expect(credentials.source == "assume-role via profile app")
        #expect(transport.requests.count == 1)
        let request = try #require(transport.requests.first)
        #expect(String(decoding: request.body, as: UTF8.self).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fapp"))
        #expect(request.headers["Authorization"]?.contains("Credential=AKIABASE000000000001/") == true)
    }

    @Test("a source_profile loop and a role without a source are explained")
    func roleMisconfiguration() async throws {
        let files = try Files(config: """
            [profile a]
            role_arn = arn:aws:iam::111122223333:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::111122223333:role/b
            source_profile = a
            [profile lonely]
            role_arn = arn:aws:iam::111122223333:role/lonely
            """)
        defer { files.remove() }
        let loop = await #expect(throws: AWSCredentialsError.self) {
            try await context(files.environment, profile: "a").credentialsProvider.credentials()
        }
        #expect("\(loop!)".contains("a -> b -> a"))
        let lonely = await #expect(throws: AWSCredentialsError.self) {
            try await context(files.environment, profile: "lonely").credentialsProvider.credentials()
        }
        #expect("\(lonely!)".contains("neither source_profile nor credential_source"))
    }

    @Test("container credentials: RELATIVE_URI goes to 169.254.170.2 with the token file's token")
    func containerRelative() async throws {
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try TestContexts.write("file-token\n", to: tokenFile)
        let transport = ScriptedTransport([.respond(AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument.utf8)))])
        let credentials = try await context([
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-file-set",
        ], transport: transport).credentialsProvider.credentials()
        #expect(credentials.source == "container")
        #expect(credentials.accessKeyId == "ASIAMETADATA00000001")
        let request = try #require(transport.requests.first)
        #expect(request.urlString == "http://169.254.170.2/v2/credentials/abc")
        #expect(request.headers["Authorization"] == "file-token")
    }

    @Test("token files that cannot be read say why: missing, a directory, too large")
    func unreadableTokenFiles() async throws {
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing").path
        let large = directory.appendingPathComponent("large")
        try Data(count: CredentialSettings.maxTokenFileBytes + 1).write(to: large)
        let role = "arn:aws:iam::111122223333:role/ci"

        let webIdentity = await #expect(throws: AWSCredentialsError.self) {
            try await context(["AWS_WEB_IDENTITY_TOKEN_FILE": missing, "AWS_ROLE_ARN": role]).credentialsProvider.credentials()
        }
        #expect("\(webIdentity!)".contains("Cannot read the web identity token file \(missing) (web-identity): the file does not exist"))
        let container = await #expect(throws: AWSCredentialsError.self) {
            try await context([
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": directory.path,
            ]).credentialsProvider.credentials()
        }
        #expect("\(container!)".contains("Cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(directory.path) (container): this is a directory, not a file"))
        let tooLarge = await #expect(throws: AWSCredentialsError.self) {
            try await context(["AWS_WEB_IDENTITY_TOKEN_FILE": large.path, "AWS_ROLE_ARN": role]).credentialsProvider.credentials()
        }
        #expect("\(tooLarge!)".contains("above the limit of \(CredentialSettings.maxTokenFileBytes) bytes"))
    }

    @Test("container FULL_URI: http only to loopback and the ECS/EKS hosts", arguments: [
        ("http://127.0.0.1:51679/creds", true), ("http://169.254.170.2/v2/creds", true),
        ("http://169.254.170.23/v1/credentials", true), ("http://[fd00:ec2::23]/v1/credentials", true),
        ("http://[::1]:8080/creds", true), ("https://creds.example.com/x", true),
        ("http://169.254.169.254/latest", false), ("http://creds.example.com/x", false), ("http://10.1.2.3/creds", false),
    ])
    func containerFullURI(_ url: String, _ allowed: Bool) async throws {
        let transport = ScriptedTransport(otherwise: .respond(AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument.utf8))))
        let chain = try context(["AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"], transport: transport)
            .credentialsProvider
        if allowed {
            #expect(try await chain.credentials().source == "container")
            #expect(transport.requests.first?.urlString == url)
        } else {
            let error = await #expect(throws: AWSCredentialsError.self) { try await chain.credentials() }
            #expect(error?.kind == .misconfigured)
            #expect("\(error!)".contains("plain http is only accepted for loopback, 169.254.170.2, 169.254.170.23 and [fd00:ec2::23]"))
            #expect(transport.requests.isEmpty)
        }
    }

    @Test("IMDSv2: token first, then role, then credentials, each with the token")
    func imds() async throws {
        let transport = ScriptedTransport([
            .respond(AWSHTTPResponse(status: 200, body: Array("imds-token".utf8))),
            .respond(AWSHTTPResponse(status: 200, body: Array("instance-role\n".utf8))),
            .respond(AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument.utf8))),
        ])
        let credentials = try await context([
            "AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/",
        ], transport: transport).credentialsProvider.credentials()
        #expect(credentials.source == "imds")
        let requests = transport.requests
        #expect(requests.map { "\($0.method) \($0.urlString)" } == [
            "PUT http://127.0.0.1:1338/latest/api/token",
            "GET http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/",
            "GET http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/instance-role",
        ])
        #expect(requests[0].headers["X-aws-ec2-metadata-token-ttl-seconds"] == "21600")
        #expect(requests[1].headers["X-aws-ec2-metadata-token"] == "imds-token")
        #expect(requests[2].headers["X-aws-ec2-metadata-token"] == "imds-token")
    }

    @Test("IMDSv2: a 5xx answer to the token request is retried like the other metadata calls")
    func imdsTokenRetried() async throws {
        let transport = ScriptedTransport([
            .respond(AWSHTTPResponse(status: 503)),
            .respond(AWSHTTPResponse(status: 200, body: Array("imds-token".utf8))),
            .respond(AWSHTTPResponse(status: 200, body: Array("instance-role\n".utf8))),
            .respond(AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument.utf8))),
        ])
        let sleeps = SleepRecorder()
        let credentials = try await TestContexts.scripted(
            transport, sleeps: sleeps,
            environment: ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338"],
            credentials: nil
        ).credentialsProvider.credentials()
        #expect(credentials.source == "imds")
        #expect(transport.requests.map(\.method) == ["PUT", "PUT", "GET", "GET"])
        #expect(sleeps.delays.count == 1)
    }

    @Test("nothing configured: one error listing every source tried")
    func nothingFound() async throws {
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await context([:]).credentialsProvider.credentials()
        }
        #expect(error?.kind == .notFound)
        let text = "\(error!)"
        for part in ["environment: AWS_ACCESS_KEY_ID is not set", "web-identity:", "profile default:", "container:", "imds: AWS_EC2_METADATA_DISABLED is true"] {
            #expect(text.contains(part))
        }
    }

    @Test("temporary credentials are cached, then refreshed five minutes before they expire")
    func refreshBeforeExpiry() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let expiry = Date(timeIntervalSince1970: 1_800_000_000 + 3600)
        let transport = ScriptedTransport(otherwise: .handle { _ in
            AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument(expiration: expiry).utf8))
        })
        let chain = try context(
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"], transport: transport,
            now: { clock.withLock { $0 } }
        ).credentialsProvider

        _ = try await chain.credentials()
        clock.withLock { $0 = expiry.addingTimeInterval(-301) }
        _ = try await chain.credentials()
        #expect(transport.requests.count == 1)  // still more than 5 minutes left: cached
        clock.withLock { $0 = expiry.addingTimeInterval(-299) }
        _ = try await chain.credentials()
        // Inside the window: refreshed in the background, while the call returned the cached ones.
        for _ in 0..<500 where transport.requests.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(transport.requests.count == 2)
    }

    @Test("concurrent callers share one refresh")
    func concurrentCallersShareRefresh() async throws {
        let transport = ScriptedTransport(otherwise: .respond(AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument.utf8))))
        let chain = try context(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"], transport: transport).credentialsProvider
        try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
            for _ in 0..<20 { group.addTask { try await chain.credentials() } }
            for try await credentials in group { #expect(credentials.source == "container") }
        }
        #expect(transport.requests.count == 1)
    }

    @Test("a failed refresh falls back to credentials that have not expired yet")
    func refreshFailureFallsBack() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let expiry = Date(timeIntervalSince1970: 1_800_000_000 + 600)
        let transport = ScriptedTransport(
            [.respond(AWSHTTPResponse(status: 200, body: Array(Self.metadataDocument(expiration: expiry).utf8)))],
            otherwise: .respond(AWSHTTPResponse(status: 500)))
        let chain = try context(
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"], transport: transport,
            now: { clock.withLock { $0 } }
        ).credentialsProvider
        let first = try await chain.credentials()
        clock.withLock { $0 = expiry.addingTimeInterval(-60) }
        #expect(try await chain.credentials() == first)
        clock.withLock { $0 = expiry.addingTimeInterval(1) }
        await #expect(throws: AWSCredentialsError.self) { try await chain.credentials() }
    }

    static let metadataDocument = metadataDocument(expiration: Date().addingTimeInterval(3600))

    static func metadataDocument(expiration: Date) -> String {
        """
        {"Code":"Success","AccessKeyId":"ASIAMETADATA00000001","SecretAccessKey":"metadata-secret","Token":"metadata-token","Expiration":"\(AWSTimestamp.formatISO8601(expiration))"}
        """
    }

    static func assumeRoleResponse(expiration: String) -> String {
        """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>ASIAASSUMED000000001</AccessKeyId>
              <SecretAccessKey>assumed-secret</SecretAccessKey>
              <SessionToken>assumed-token</SessionToken>
              <Expiration>\(expiration)</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::111122223333:assumed-role/ops/qsl-ops</Arn>
              <AssumedRoleId>AROA123:qsl-ops</AssumedRoleId>
            </AssumedRoleUser>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """
    }
}
