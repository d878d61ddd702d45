#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// Chooses each service's endpoint from, in order: the explicit `--endpoint-url`,
/// `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `services` section, the
/// profile's `endpoint_url`, then the real AWS endpoint (FIPS, dual-stack, or both, when asked).
///
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or `ignore_configured_endpoint_urls` in the
/// profile) skips the environment and profile settings, as the AWS SDKs do.
struct EndpointResolver: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The configured URL of each service that has one, and the setting it came from. Only these
    /// settings are kept, never the environment or the profile they were read from: those hold
    /// access keys and anything else the process was given.
    private let configured: [AWSService: (url: String, source: String)]
    let region: String?
    let useFIPS: Bool
    /// `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`: endpoints that answer over IPv6
    /// as well as IPv4 (`SERVICE.REGION.api.aws`).
    let useDualStack: Bool

    init(
        explicitURL: String?, environment: [String: String], profileName: String, profile: [String: String],
        services: [String: [String: String]], region: String?
    ) {
        self.region = region
        self.useFIPS = Self.flag(environment["AWS_USE_FIPS_ENDPOINT"] ?? profile["use_fips_endpoint"])
        self.useDualStack = Self.flag(environment["AWS_USE_DUALSTACK_ENDPOINT"] ?? profile["use_dualstack_endpoint"])
        let ignoreConfigured = Self.flag(
            environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] ?? profile["ignore_configured_endpoint_urls"])
        var configured: [AWSService: (url: String, source: String)] = [:]
        for service in AWSService.allCases {
            configured[service] = Self.configuredURL(
                for: service, explicitURL: explicitURL, ignoreConfigured: ignoreConfigured, environment: environment,
                profileName: profileName, profile: profile, services: services)
        }
        self.configured = configured
    }

    /// `service: host[:port]` for every service, for descriptions: hosts only, never the full
    /// configured URL, whose path or query could carry more.
    var hostSummary: String {
        AWSService.allCases.map { service in
            let host = (try? endpoint(for: service)).map {
                AWSHTTPRequest(method: "GET", scheme: $0.scheme, host: $0.host, port: $0.port).hostHeader
            }
            return "\(service.signingName): \(host ?? "unresolved")"
        }.joined(separator: ", ")
    }

    var description: String { "EndpointResolver(region: \(region ?? "none"), \(hostSummary))" }
    var debugDescription: String { description }

    static func flag(_ value: String?) -> Bool {
        value?.trimmingWhitespace().lowercased() == "true"
    }

    func endpoint(for service: AWSService) throws(AWSConfigurationError) -> AWSEndpoint {
        if let (url, source) = configured[service] {
            return try Self.parse(url, source: source, service: service, signingRegion: signingRegion(for: service))
        }
        return try defaultEndpoint(for: service)
    }

    private static func configuredURL(
        for service: AWSService, explicitURL: String?, ignoreConfigured: Bool, environment: [String: String],
        profileName: String, profile: [String: String], services: [String: [String: String]]
    ) -> (url: String, source: String)? {
        if let explicitURL { return (explicitURL, "--endpoint-url") }
        if ignoreConfigured { return nil }
        let serviceVariable = "AWS_ENDPOINT_URL_\(service.environmentSuffix)"
        if let value = environment[serviceVariable], !value.isEmpty { return (value, serviceVariable) }
        if let value = environment["AWS_ENDPOINT_URL"], !value.isEmpty { return (value, "AWS_ENDPOINT_URL") }
        if let servicesName = profile["services"], let section = services[servicesName],
            let value = section["\(service.configKey).endpoint_url"], !value.isEmpty
        {
            return (value, "[services \(servicesName)] \(service.configKey) endpoint_url")
        }
        if let value = profile["endpoint_url"], !value.isEmpty { return (value, "profile \(profileName) endpoint_url") }
        return nil
    }

    private func signingRegion(for service: AWSService) throws(AWSConfigurationError) -> String {
        if service.isGlobal { return Self.globalSigningRegion(region) }
        // STS still has a global endpoint (signed for us-east-1) for callers with no region yet,
        // e.g. assuming a role before any region is known.
        if service == .sts && region == nil { return "us-east-1" }
        guard let region else { throw Self.missingRegion(service) }
        return region
    }

    static func missingRegion(_ service: AWSService) -> AWSConfigurationError {
        AWSConfigurationError(
            .missingRegion,
            "No AWS region is configured for \(service); pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or add `region` to the profile.")
    }

    /// IAM's signing region: the partition's global region.
    static func globalSigningRegion(_ region: String?) -> String {
        guard let region else { return "us-east-1" }
        if region.hasPrefix("cn-") { return "cn-north-1" }
        if region.hasPrefix("us-gov-") { return "us-gov-west-1" }
        return "us-east-1"
    }

    private func defaultEndpoint(for service: AWSService) throws(AWSConfigurationError) -> AWSEndpoint {
        let fips = useFIPS
        let dualStack = useDualStack
        let source = "default" + (fips || dualStack ? " (\([fips ? "FIPS" : nil, dualStack ? "dual-stack" : nil].compactMap { $0 }.joined(separator: ", ")))" : "")
        let prefix = fips ? "\(service.signingName)-fips" : service.signingName
        if service.isGlobal {
            let signing = Self.globalSigningRegion(region)
            let host: String
            switch (signing, dualStack && !fips) {
            case ("cn-north-1", true): host = "iam.global.api.amazonwebservices.com.cn"
            case ("cn-north-1", false): host = "iam.cn-north-1.amazonaws.com.cn"
            case ("us-gov-west-1", _): host = "iam.us-gov.amazonaws.com"  // already FIPS-validated
            case (_, true): host = "iam.global.api.aws"
            default: host = "\(prefix).amazonaws.com"
            }
            return AWSEndpoint(scheme: "https", host: host, signingRegion: signing, source: source)
        }
        // STS's global endpoint answers over IPv4 only: dual-stack goes to us-east-1's own.
        if service == .sts && region == nil && !dualStack {
            return AWSEndpoint(scheme: "https", host: fips ? "sts-fips.us-east-1.amazonaws.com" : "sts.amazonaws.com", signingRegion: "us-east-1", source: source + ", global")
        }
        guard let region = region ?? (service == .sts ? "us-east-1" : nil) else { throw Self.missingRegion(service) }
        let china = region.hasPrefix("cn-")
        let suffix = dualStack ? (china ? "api.amazonwebservices.com.cn" : "api.aws") : (china ? "amazonaws.com.cn" : "amazonaws.com")
        return AWSEndpoint(scheme: "https", host: "\(prefix).\(region).\(suffix)", signingRegion: region, source: source)
    }

    /// Parses a configured endpoint URL and applies the plain-HTTP rule. `service` is `nil` for
    /// a URL every service uses (`--endpoint-url`), which messages then name no service for.
    static func parse(
        _ text: String, source: String, service: AWSService?, signingRegion: String
    ) throws(AWSConfigurationError) -> AWSEndpoint {
        let service = service.map { "for \($0) " } ?? ""
        let shown = Self.withoutUserInfo(text)
        guard let components = URLComponents(string: text.trimmingWhitespace()),
            let scheme = components.scheme?.lowercased(), let rawHost = components.host, !rawHost.isEmpty
        else {
            throw AWSConfigurationError(
                .invalidEndpoint,
                "The endpoint URL `\(shown)` \(service)(from \(source)) is not a valid URL; write it as https://host[:port].")
        }
        let host = rawHost.trimmingBrackets
        guard scheme == "https" || scheme == "http" else {
            throw AWSConfigurationError(
                .invalidEndpoint,
                "The endpoint URL `\(shown)` \(service)(from \(source)) uses `\(scheme)`; only https (or http to loopback) is supported.")
        }
        if scheme == "http" && !LoopbackHost.isLoopback(host) {
            throw AWSConfigurationError(
                .insecureEndpoint,
                "Refusing plain http:// endpoint `\(shown)` \(service)(from \(source)): only loopback hosts (127.0.0.0/8, ::1, localhost) may use http; use https:// instead.")
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : PercentDecoding.strictText(components.percentEncodedPath) ?? "/"
        return AWSEndpoint(scheme: scheme, host: host, port: components.port, path: path, signingRegion: signingRegion, source: source)
    }

    /// `text` with any `user:password@` before the host replaced by `***@`: an endpoint URL in a
    /// message never carries its credentials (a proxy's, say). Text that is not a URL with an
    /// authority is cut at its last `@` alike.
    static func withoutUserInfo(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else {
            guard let at = text.lastIndex(of: "@") else { return text }
            return "***" + text[at...]
        }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<authorityStart]) + "***" + text[at...]
    }
}
