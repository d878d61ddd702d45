#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import QSLConfigCore

/// Everything an AWS client needs, resolved once: the profile, region, credential chain,
/// endpoint settings and retry policy.
///
/// Reads the environment it is given (the process environment by default) and the shared
/// `config`/`credentials` files, never anything else, so tests pass a dictionary instead of
/// changing the process environment.
///
/// ```swift
/// let context = try AWSContext(profile: "ops", region: "eu-west-1")
/// let secrets = SecretsManagerClient(context: context)
/// let value = try await secrets.getSecretValue(.init(secretId: "qsl/production/redis/connection"))
/// ```
///
/// Printing a context (or a client or store holding one) shows only the profile, the region and
/// the endpoint hosts: never the environment or shared-file settings it was resolved from.
public struct AWSContext: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The profile in use: `--profile`, else `AWS_PROFILE`, else `default`.
    public let profileName: String
    /// `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`; `nil` if none.
    public let region: String?
    public let credentialsProvider: any AWSCredentialsProvider
    public var retryStrategy: RetryStrategy { runtime.retry }

    let endpoints: EndpointResolver
    let runtime: AWSRuntime

    /// Resolves the profile, region, credentials and endpoints.
    ///
    /// - Parameters:
    ///   - profile: `--profile`; an explicit profile is tried before environment credentials.
    ///   - region: `--region`; overrides every other region setting.
    ///   - endpointURL: `--endpoint-url`; used for every service.
    ///   - credentials: credentials to use ahead of the whole chain.
    ///   - environment: the variables to read, the process environment by default.
    ///   - logger: where retries and credential refreshes are logged (never secrets).
    /// - Throws: ``AWSConfigurationError`` for an unknown profile, a malformed shared file or a
    ///   bad setting such as `AWS_MAX_ATTEMPTS`.
    public init(
        profile: String? = nil,
        region: String? = nil,
        endpointURL: String? = nil,
        credentials: AWSCredentials? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "qsl-config.aws")
    ) throws(AWSConfigurationError) {
        try self.init(
            profile: profile, region: region, endpointURL: endpointURL, credentials: credentials,
            environment: environment, logger: logger, runtime: nil)
    }

    /// The seam: the same resolution with a given transport, clock, sleep and randomness.
    package init(
        profile: String? = nil,
        region: String? = nil,
        endpointURL: String? = nil,
        credentials: AWSCredentials? = nil,
        environment: [String: String],
        logger: Logger = Logger(label: "qsl-config.aws"),
        runtime: AWSRuntime?,
        containerBaseURL: String? = nil
    ) throws(AWSConfigurationError) {
        func nonEmpty(_ value: String?) -> String? {
            guard let value = value?.trimmingWhitespace(), !value.isEmpty else { return nil }
            return value
        }
        let files = try SharedConfigFiles.load(environment: environment)
        let explicitProfile = nonEmpty(profile)
        let profileName = explicitProfile ?? nonEmpty(environment["AWS_PROFILE"]) ?? "default"
        let profileSettings = files.profiles[profileName]
        if profileSettings == nil && (explicitProfile != nil || nonEmpty(environment["AWS_PROFILE"]) != nil) {
            throw AWSConfigurationError(
                .profileNotFound,
                "The AWS profile `\(profileName)` is not in \(files.configPath) or \(files.credentialsPath); check the name or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE.")
        }
        let profileValues = profileSettings ?? [:]
        let resolvedRegion = nonEmpty(region) ?? nonEmpty(environment["AWS_REGION"])
            ?? nonEmpty(environment["AWS_DEFAULT_REGION"]) ?? nonEmpty(profileValues["region"])

        let retry = try RetryStrategy.fromSettings(environment: environment, profile: profileValues)
        let requestTimeout = try AWSRuntime.requestTimeout(environment: environment)
        var runtime = runtime ?? AWSRuntime.live(retry: retry, requestTimeout: requestTimeout, logger: logger)
        runtime.retry = retry

        let endpoints = EndpointResolver(
            explicitURL: nonEmpty(endpointURL), environment: environment, profileName: profileName,
            profile: profileValues, services: files.services, region: resolvedRegion)
        if let explicit = nonEmpty(endpointURL) {
            // Refuse a bad --endpoint-url now rather than on the first call.
            _ = try EndpointResolver.parse(explicit, source: "--endpoint-url", service: nil, signingRegion: resolvedRegion ?? "us-east-1")
        }

        var settings = CredentialSettings(
            environment: environment, files: files, profileName: profileName, endpoints: endpoints, runtime: runtime)
        if let containerBaseURL { settings.containerBaseURL = containerBaseURL }
        var sources: [any CredentialSource] = []
        if let credentials { sources.append(ExplicitCredentialSource(credentials: credentials)) }
        if explicitProfile != nil { sources.append(ProfileCredentialSource(settings: settings, isRequired: true)) }
        sources.append(EnvironmentCredentialSource(settings: settings))
        sources.append(WebIdentityCredentialSource(settings: settings))
        if explicitProfile == nil { sources.append(ProfileCredentialSource(settings: settings)) }
        sources.append(ContainerCredentialSource(settings: settings))
        sources.append(IMDSCredentialSource(settings: settings))

        self.profileName = profileName
        self.region = resolvedRegion
        self.endpoints = endpoints
        self.runtime = runtime
        self.credentialsProvider = AWSCredentialChain(sources: sources, now: runtime.now, logger: logger)
    }

    /// The same profile name, region, endpoints, transport and retry policy, signing with
    /// `credentials` and nothing else: no chain, no environment or shared file read again.
    ///
    /// For proving a key that was just created works (`rotate` signs STS `GetCallerIdentity`
    /// with the new key) against wherever the tool's own calls go.
    public func signing(with credentials: AWSCredentials) -> AWSContext {
        AWSContext(
            profileName: profileName, region: region, credentialsProvider: StaticCredentialsProvider(credentials),
            endpoints: endpoints, runtime: runtime)
    }

    private init(
        profileName: String, region: String?, credentialsProvider: any AWSCredentialsProvider, endpoints: EndpointResolver, runtime: AWSRuntime
    ) {
        self.profileName = profileName
        self.region = region
        self.credentialsProvider = credentialsProvider
        self.endpoints = endpoints
        self.runtime = runtime
    }

    /// The endpoint requests for `service` go to, and why.
    ///
    /// - Throws: ``AWSConfigurationError`` when no region is set for a regional service, or a
    ///   configured URL is invalid or plain HTTP to a non-loopback host.
    public func endpoint(for service: AWSService) throws(AWSConfigurationError) -> AWSEndpoint {
        try endpoints.endpoint(for: service)
    }

    public var description: String {
        "AWSContext(profile: \(profileName), region: \(region ?? "none"), endpoints: \(endpoints.hostSummary))"
    }

    public var debugDescription: String { description }

    package func client(for service: AWSService) -> AWSClient {
        AWSClient(service: service, endpoints: endpoints, credentials: credentialsProvider, runtime: runtime)
    }
}
