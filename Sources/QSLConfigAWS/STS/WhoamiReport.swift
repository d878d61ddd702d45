/// Who the configured credentials belong to, and how they and the endpoints were chosen:
/// what `qsl-config whoami` prints.
///
/// ```swift
/// let report = try await WhoamiReport.fetch(context: try AWSContext(profile: "ops"))
/// print(report.arn, report.credentialSource)
/// ```
public struct WhoamiReport: Sendable, Hashable, Encodable {
    public var account: String
    public var arn: String
    public var userId: String
    /// Where the credentials came from, e.g. `environment` or `assume-role via profile ops`.
    public var credentialSource: String
    public var accessKeyId: String
    public var profile: String
    public var region: String?
    /// Service → endpoint URL, `nil` where none can be resolved (no region).
    public var endpoints: [String: String?]
    /// Service → the setting that chose the endpoint, e.g. `AWS_ENDPOINT_URL_SSM`.
    public var endpointSources: [String: String]

    enum CodingKeys: String, CodingKey {
        case account = "Account", arn = "Arn", userId = "UserId", credentialSource = "CredentialSource"
        case accessKeyId = "AccessKeyId", profile = "Profile", region = "Region", endpoints = "Endpoints"
        case endpointSources = "EndpointSources"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(account, forKey: .account)
        try c.encode(arn, forKey: .arn)
        try c.encode(userId, forKey: .userId)
        try c.encode(credentialSource, forKey: .credentialSource)
        try c.encode(accessKeyId, forKey: .accessKeyId)
        try c.encode(profile, forKey: .profile)
        try c.encode(region, forKey: .region)  // null rather than absent: scripts can rely on the key
        try c.encode(endpoints, forKey: .endpoints)
        try c.encode(endpointSources, forKey: .endpointSources)
    }

    /// Calls STS `GetCallerIdentity` with the context's credentials.
    ///
    /// - Throws: ``AWSError`` if STS fails, ``AWSCredentialsError`` if no credentials can be
    ///   found, ``AWSConfigurationError`` if the STS endpoint cannot be resolved.
    public static func fetch(context: AWSContext) async throws -> WhoamiReport {
        let credentials = try await context.credentialsProvider.credentials()
        let identity = try await STSClient(context: context).getCallerIdentity()
        var endpoints: [String: String?] = [:]
        var sources: [String: String] = [:]
        for service in AWSService.allCases {
            do {
                let endpoint = try context.endpoint(for: service)
                endpoints[service.signingName] = endpoint.url
                sources[service.signingName] = endpoint.source
            } catch {
                // Why it cannot be reached, as the endpoint setting's own error says it (a refused
                // plain-http URL, a bad scheme, no region), not a guess.
                endpoints[service.signingName] = .some(nil)
                sources[service.signingName] = error.description
            }
        }
        return WhoamiReport(
            account: identity.account, arn: identity.arn, userId: identity.userId,
            credentialSource: credentials.source, accessKeyId: credentials.accessKeyId,
            profile: context.profileName, region: context.region,
            endpoints: endpoints, endpointSources: sources)
    }
}
