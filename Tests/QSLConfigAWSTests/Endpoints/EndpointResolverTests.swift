import Foundation
import QSLConfigTesting
import Testing

@testable import QSLConfigAWS

@Suite("Endpoint and region resolution")
struct EndpointResolverTests {
    func context(
        region: String? = "eu-west-1", endpointURL: String? = nil, environment: [String: String] = [:], profile: String? = nil
    ) throws -> AWSContext {
        var env = TestContexts.isolatedEnvironment
        env.merge(environment) { $1 }
        return try AWSContext(
            profile: profile, region: region, endpointURL: endpointURL, environment: env,
            runtime: AWSRuntime(transport: ScriptedTransport()))
    }

    @Test("real regional endpoints, with IAM global and signed for us-east-1")
    func defaults() throws {
        let c = try context()
        #expect(try c.endpoint(for: .secretsManager).url == "https://secretsmanager.eu-west-1.amazonaws.com")
        #expect(try c.endpoint(for: .ssm).url == "https://ssm.eu-west-1.amazonaws.com")
        #expect(try c.endpoint(for: .sts).url == "https://sts.eu-west-1.amazonaws.com")
        let iam = try c.endpoint(for: .iam)
        #expect(iam.url == "https://iam.amazonaws.com")
        #expect(iam.signingRegion == "us-east-1")
        #expect(try c.endpoint(for: .ssm).signingRegion == "eu-west-1")
        #expect(try c.endpoint(for: .ssm).source == "default")
    }

    @Test("AWS_USE_FIPS_ENDPOINT=true selects FIPS endpoints")
    func fips() throws {
        let c = try context(environment: ["AWS_USE_FIPS_ENDPOINT": "true"])
        #expect(try c.endpoint(for: .secretsManager).url == "https://secretsmanager-fips.eu-west-1.amazonaws.com")
        #expect(try c.endpoint(for: .ssm).url == "https://ssm-fips.eu-west-1.amazonaws.com")
        #expect(try c.endpoint(for: .sts).url == "https://sts-fips.eu-west-1.amazonaws.com")
        #expect(try c.endpoint(for: .iam).url == "https://iam-fips.amazonaws.com")
    }

    @Test("AWS_USE_DUALSTACK_ENDPOINT=true (or the profile's use_dualstack_endpoint) selects the dual-stack endpoints, with FIPS too")
    func dualStack() throws {
        let c = try context(environment: ["AWS_USE_DUALSTACK_ENDPOINT": "true"])
        #expect(try c.endpoint(for: .secretsManager).url == "https://secretsmanager.eu-west-1.api.aws")
        #expect(try c.endpoint(for: .ssm).url == "https://ssm.eu-west-1.api.aws")
        #expect(try c.endpoint(for: .sts).url == "https://sts.eu-west-1.api.aws")
        #expect(try c.endpoint(for: .iam).url == "https://iam.global.api.aws")
        #expect(try c.endpoint(for: .iam).signingRegion == "us-east-1")
        #expect(try c.endpoint(for: .ssm).source == "default (dual-stack)")
        let both = try context(environment: ["AWS_USE_DUALSTACK_ENDPOINT": "true", "AWS_USE_FIPS_ENDPOINT": "true"])
        #expect(try both.endpoint(for: .secretsManager).url == "https://secretsmanager-fips.eu-west-1.api.aws")
        #expect(try both.endpoint(for: .secretsManager).source == "default (FIPS, dual-stack)")
        let china = try context(region: "cn-north-1", environment: ["AWS_USE_DUALSTACK_ENDPOINT": "true"])
        #expect(try china.endpoint(for: .sts).url == "https://sts.cn-north-1.api.amazonwebservices.com.cn")
        // With no region, STS's global endpoint has no dual-stack form: us-east-1's regional one.
        let noRegion = try context(region: nil, environment: ["AWS_USE_DUALSTACK_ENDPOINT": "true"])
        #expect(try noRegion.endpoint(for: .sts).url == "https://sts.us-east-1.api.aws")

        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try TestContexts.write("[profile v6]\nregion = eu-west-1\nuse_dualstack_endpoint = true\n", to: config)
        let profiled = try context(environment: ["AWS_CONFIG_FILE": config.path], profile: "v6")
        #expect(try profiled.endpoint(for: .ssm).url == "https://ssm.eu-west-1.api.aws")
    }

    @Test("precedence: --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, services section, profile endpoint_url")
    func precedence() throws {
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try TestContexts.write("""
            # local emulator
            [profile local]
            region = us-west-2
            endpoint_url = http://localhost:4566
            services = local-services

            [services local-services]
            secrets_manager =
              endpoint_url = http://127.0.0.1:5001
            iam =
              endpoint_url = http://[::1]:5002
            """, to: config)
        let files = ["AWS_CONFIG_FILE": config.path]

        let profileOnly = try context(region: nil, environment: files, profile: "local")
        #expect(profileOnly.region == "us-west-2")
        #expect(try profileOnly.endpoint(for: .ssm).url == "http://localhost:4566")
        #expect(try profileOnly.endpoint(for: .ssm).source == "profile local endpoint_url")
        #expect(try profileOnly.endpoint(for: .secretsManager).url == "http://127.0.0.1:5001")
        #expect(try profileOnly.endpoint(for: .secretsManager).source == "[services local-services] secrets_manager endpoint_url")
        let iam = try profileOnly.endpoint(for: .iam)
        #expect(iam.host == "::1")
        #expect(iam.port == 5002)
        #expect(iam.url == "http://[::1]:5002")

        let global = try context(region: nil, environment: files.merging(["AWS_ENDPOINT_URL": "http://127.0.0.1:7000"]) { $1 }, profile: "local")
        #expect(try global.endpoint(for: .secretsManager).url == "http://127.0.0.1:7000")

        let perService = try context(environment: files.merging([
            "AWS_ENDPOINT_URL": "http://127.0.0.1:7000", "AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:7001",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:7002", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:7003",
            "AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:7004",
        ]) { $1 }, profile: "local")
        #expect(try perService.endpoint(for: .ssm).url == "http://127.0.0.1:7001")
        #expect(try perService.endpoint(for: .secretsManager).url == "http://127.0.0.1:7002")
        #expect(try perService.endpoint(for: .sts).url == "http://127.0.0.1:7003")
        #expect(try perService.endpoint(for: .iam).url == "http://127.0.0.1:7004")
        #expect(try perService.endpoint(for: .ssm).source == "AWS_ENDPOINT_URL_SSM")

        let explicit = try context(endpointURL: "https://vpce-123.secretsmanager.eu-west-1.vpce.amazonaws.com", environment: [
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:7002",
        ])
        #expect(try explicit.endpoint(for: .secretsManager).host == "vpce-123.secretsmanager.eu-west-1.vpce.amazonaws.com")
        #expect(try explicit.endpoint(for: .secretsManager).source == "--endpoint-url")

        let ignored = try context(environment: files.merging([
            "AWS_ENDPOINT_URL": "http://127.0.0.1:7000", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        ]) { $1 }, profile: "local")
        #expect(try ignored.endpoint(for: .ssm).url == "https://ssm.eu-west-1.amazonaws.com")
    }

    @Test("plain http is refused unless the host is loopback", arguments: [
        ("http://127.0.0.1:4566", true), ("http://127.8.9.10", true), ("http://localhost:4566", true),
        ("http://[::1]:4566", true), ("https://example.com", true), ("http://example.com", false),
        ("http://10.0.0.5:4566", false), ("http://128.0.0.1", false), ("http://[fd00::1]:80", false),
    ])
    func plainHTTP(_ url: String, _ allowed: Bool) throws {
        let c = try context(environment: ["AWS_ENDPOINT_URL": url])
        if allowed {
            #expect(try c.endpoint(for: .ssm).url.hasPrefix(url.hasSuffix("/") ? String(url.dropLast()) : url))
        } else {
            let error = #expect(throws: AWSConfigurationError.self) { try c.endpoint(for: .ssm) }
            #expect(error?.kind == .insecureEndpoint)
            #expect("\(error!)".contains("only loopback hosts (127.0.0.0/8, ::1, localhost) may use http"))
            #expect("\(error!)".contains("AWS_ENDPOINT_URL"))
        }
    }

    @Test("an endpoint URL's user and password never reach a message, on any refusal")
    func userInfoHidden() throws {
        for (variable, url) in [
            ("AWS_ENDPOINT_URL_SSM", "http://admin:Sup3rS3cret@proxy.example.com"), ("AWS_ENDPOINT_URL_SSM", "ftp://admin:Sup3rS3cret@127.0.0.1:21/x"),
            ("AWS_ENDPOINT_URL_SSM", "https://admin:Sup3rS3cret@"),
        ] {
            let error = #expect(throws: AWSConfigurationError.self) { try context(environment: [variable: url]).endpoint(for: .ssm) }
            #expect(!"\(error!)".contains("Sup3rS3cret") && !"\(error!)".contains("admin"), "\(error!)")
        }
        let explicit = #expect(throws: AWSConfigurationError.self) { try context(endpointURL: "http://admin:Sup3rS3cret@proxy.example.com") }
        #expect("\(explicit!)".contains("http://***@proxy.example.com") && !"\(explicit!)".contains("Sup3rS3cret"), "\(explicit!)")
        #expect(EndpointResolver.withoutUserInfo("https://h.example/a@b") == "https://h.example/a@b", "an @ in the path is not user info")
    }

    @Test("a bad --endpoint-url is refused when the context is made")
    func badExplicitEndpoint() {
        let error = #expect(throws: AWSConfigurationError.self) {
            try context(endpointURL: "http://secretsmanager.example.com")
        }
        #expect(error?.kind == .insecureEndpoint)
        // The URL serves every service: the message names none (it once said STS, whatever ran).
        #expect("\(error!)".contains("`http://secretsmanager.example.com` (from --endpoint-url)") && !"\(error!)".contains("STS"), "\(error!)")
        #expect(throws: AWSConfigurationError.self) { try context(endpointURL: "ftp://127.0.0.1") }
        // A service's own setting still names its service.
        let own = #expect(throws: AWSConfigurationError.self) { try context(environment: ["AWS_ENDPOINT_URL_SSM": "http://10.0.0.5"]).endpoint(for: .ssm) }
        #expect("\(own!)".contains("for SSM") || "\(own!)".contains("for ssm"), "\(own!)")
    }

    @Test("region precedence: --region, AWS_REGION, AWS_DEFAULT_REGION, profile")
    func regionPrecedence() throws {
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try TestContexts.write("[default]\nregion = ap-south-1\n", to: config)
        var env = ["AWS_CONFIG_FILE": config.path]
        #expect(try context(region: nil, environment: env).region == "ap-south-1")
        env["AWS_DEFAULT_REGION"] = "ca-central-1"
        #expect(try context(region: nil, environment: env).region == "ca-central-1")
        env["AWS_REGION"] = "eu-central-1"
        #expect(try context(region: nil, environment: env).region == "eu-central-1")
        #expect(try context(region: "sa-east-1", environment: env).region == "sa-east-1")
    }

    @Test("no region: regional services say how to set one; IAM and STS still resolve globally")
    func missingRegion() throws {
        let c = try context(region: nil)
        let error = #expect(throws: AWSConfigurationError.self) { try c.endpoint(for: .secretsManager) }
        #expect(error?.kind == .missingRegion)
        #expect("\(error!)".contains("pass --region, set AWS_REGION"))
        #expect(try c.endpoint(for: .iam).url == "https://iam.amazonaws.com")
        #expect(try c.endpoint(for: .sts).url == "https://sts.amazonaws.com")
    }

    @Test("a named profile that does not exist is an error naming the files")
    func unknownProfile() {
        let error = #expect(throws: AWSConfigurationError.self) { try context(profile: "nope") }
        #expect(error?.kind == .profileNotFound)
        #expect("\(error!)".contains("`nope`"))
        let fromEnvironment = #expect(throws: AWSConfigurationError.self) { try context(environment: ["AWS_PROFILE": "nope"]) }
        #expect(fromEnvironment?.kind == .profileNotFound)
    }

    @Test("a malformed shared file is reported as file:line")
    func malformedFile() throws {
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config")
        try TestContexts.write("[default]\nregion = eu-west-1\nthis line has no equals sign\n", to: config)
        let error = #expect(throws: AWSConfigurationError.self) { try context(environment: ["AWS_CONFIG_FILE": config.path]) }
        #expect(error?.kind == .malformedSharedFile)
        #expect("\(error!)".hasPrefix("\(config.path):3:"))
    }

    @Test("a shared file that cannot be read says why; one that is missing is empty")
    func unreadableSharedFile() throws {
        let directory = try TestContexts.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: AWSConfigurationError.self) { try context(environment: ["AWS_CONFIG_FILE": directory.path]) }
        #expect(error?.kind == .malformedSharedFile)
        #expect("\(error!)".hasPrefix("\(directory.path): this is a directory, not a file"))
        let large = directory.appendingPathComponent("credentials")
        try Data(count: SharedConfigFiles.maxFileBytes + 1).write(to: large)
        let tooLarge = #expect(throws: AWSConfigurationError.self) { try context(environment: ["AWS_SHARED_CREDENTIALS_FILE": large.path]) }
        #expect("\(tooLarge!)".contains("above the limit of \(SharedConfigFiles.maxFileBytes) bytes"))
        #expect(try context(environment: ["AWS_CONFIG_FILE": directory.appendingPathComponent("missing").path]).region == "eu-west-1")
    }

    @Test("AWS_MAX_ATTEMPTS must be a positive whole number")
    func maxAttemptsSetting() throws {
        #expect(try context(environment: ["AWS_MAX_ATTEMPTS": "7"]).retryStrategy.maxAttempts == 7)
        #expect(try context().retryStrategy.maxAttempts == 3)
        let error = #expect(throws: AWSConfigurationError.self) { try context(environment: ["AWS_MAX_ATTEMPTS": "lots"]) }
        #expect("\(error!)".contains("AWS_MAX_ATTEMPTS is `lots`"))
    }
}
