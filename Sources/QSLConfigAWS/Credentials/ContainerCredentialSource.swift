#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// ECS (and EKS Pod Identity) container credentials.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is fetched from `http://169.254.170.2`.
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` may be any `https://` URL, but plain `http://` only to
/// loopback or the ECS/EKS link-local hosts `169.254.170.2`, `169.254.170.23` and
/// `fd00:ec2::23` (the AWS SDKs' rule: credentials must not travel in clear text off the host).
/// The `Authorization` header comes from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on
/// every refresh, since the agent rotates it) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
struct ContainerCredentialSource: CredentialSource {
    let settings: CredentialSettings
    var name: String { "container" }

    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]

    func load() async throws -> CredentialLookup {
        let urlText: String
        if let relative = settings.value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            urlText = settings.containerBaseURL + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = settings.value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            try Self.checkFullURI(full)
            urlText = full
        } else {
            return .notConfigured("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        guard var request = AWSHTTPRequest(getting: urlText) else {
            throw AWSCredentialsError(.misconfigured, source: name, "The container credentials URL `\(urlText)` is not a valid URL.")
        }
        if let token = try authorizationToken() {
            guard !token.contains("\r"), !token.contains("\n") else {
                throw AWSCredentialsError(
                    .misconfigured, source: name, "The container authorization token contains a line break; check how it is set.")
            }
            request.headers.add(name: "Authorization", value: token)
        }
        let response = try await MetadataFetch.send(request, settings: settings, source: name)
        guard response.status == 200 else {
            throw AWSCredentialsError(
                .sourceFailed, source: name,
                "The container credentials endpoint \(request.hostHeader) answered HTTP \(response.status); check the task role and the authorization token.")
        }
        return .found(try MetadataFetch.decodeCredentials(response.body, source: name, endpoint: request.hostHeader))
    }

    private func authorizationToken() throws -> String? {
        if let file = settings.value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            return try settings.token(file: file, setting: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", source: name)
        }
        return settings.value("AWS_CONTAINER_AUTHORIZATION_TOKEN")
    }

    static func checkFullURI(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host?.trimmingBrackets.lowercased(), !host.isEmpty
        else {
            throw AWSCredentialsError(
                .misconfigured, source: "container", "AWS_CONTAINER_CREDENTIALS_FULL_URI `\(text)` is not a valid URL.")
        }
        if scheme == "https" { return }
        let allowed: Bool
        if let v6 = LoopbackHost.ipv6(host), let ecs = LoopbackHost.ipv6("fd00:ec2::23") {
            allowed = v6 == ecs || LoopbackHost.isLoopback(host)
        } else {
            allowed = LoopbackHost.isLoopback(host) || allowedHTTPHosts.contains(host)
        }
        guard scheme == "http", allowed else {
            throw AWSCredentialsError(
                .misconfigured, source: "container",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI `\(text)` is not allowed: plain http is only accepted for loopback, 169.254.170.2, 169.254.170.23 and [fd00:ec2::23]; use https for other hosts.")
        }
    }
}

/// EC2 instance metadata (IMDSv2): `PUT /latest/api/token`, then the role name from
/// `/latest/meta-data/iam/security-credentials/` and its credentials.
///
/// `AWS_EC2_METADATA_DISABLED=true` turns it off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or the
/// profile's `ec2_metadata_service_endpoint`) points it elsewhere.
struct IMDSCredentialSource: CredentialSource {
    let settings: CredentialSettings
    var name: String { "imds" }

    func load() async throws -> CredentialLookup {
        if settings.value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            return .notConfigured("AWS_EC2_METADATA_DISABLED is true")
        }
        let base = settings.value("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            ?? settings.files.profiles[settings.profileName]?["ec2_metadata_service_endpoint"]
            ?? settings.defaultIMDSEndpoint
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base

        guard var tokenRequest = AWSHTTPRequest(getting: trimmedBase + "/latest/api/token") else {
            throw AWSCredentialsError(.misconfigured, source: name, "The instance metadata endpoint `\(base)` is not a valid URL.")
        }
        tokenRequest.method = "PUT"
        tokenRequest.headers.add(name: "X-aws-ec2-metadata-token-ttl-seconds", value: "21600")
        let tokenResponse: AWSHTTPResponse
        do {
            tokenResponse = try await MetadataFetch.send(tokenRequest, settings: settings, source: name, retryingUnreachable: false)
        } catch let error as AWSTransportError {
            // Not on EC2 (or metadata blocked): the chain just has nothing here.
            return .notConfigured("no instance metadata service at \(tokenRequest.hostHeader) (\(error.kind))")
        }
        guard tokenResponse.status == 200 else {
            throw AWSCredentialsError(
                .sourceFailed, source: name,
                "The instance metadata service refused an IMDSv2 token (HTTP \(tokenResponse.status)); check the instance's metadata options (hop limit, IMDS enabled).")
        }
        let token = String(decoding: tokenResponse.body, as: UTF8.self).trimmingWhitespaceAndNewlines()

        guard var roleRequest = AWSHTTPRequest(getting: trimmedBase + "/latest/meta-data/iam/security-credentials/") else {
            return .notConfigured("invalid metadata endpoint")
        }
        roleRequest.headers.add(name: "X-aws-ec2-metadata-token", value: token)
        let roleResponse = try await MetadataFetch.send(roleRequest, settings: settings, source: name)
        if roleResponse.status == 404 {
            return .notConfigured("no IAM role is attached to this instance")
        }
        guard roleResponse.status == 200,
            let role = String(decoding: roleResponse.body, as: UTF8.self)
                .split(whereSeparator: \.isNewline).first.map({ $0.trimmingWhitespace() }),
            !role.isEmpty
        else {
            throw AWSCredentialsError(
                .sourceFailed, source: name,
                "The instance metadata service did not name an IAM role (HTTP \(roleResponse.status)); attach an instance profile to the instance.")
        }

        var credentialsRequest = roleRequest
        credentialsRequest.path += role
        let response = try await MetadataFetch.send(credentialsRequest, settings: settings, source: name)
        guard response.status == 200 else {
            throw AWSCredentialsError(
                .sourceFailed, source: name,
                "The instance metadata service answered HTTP \(response.status) for role \(role)'s credentials; check the instance profile.")
        }
        return .found(try MetadataFetch.decodeCredentials(response.body, source: name, endpoint: roleRequest.hostHeader))
    }
}

/// Shared by the container and instance metadata sources.
enum MetadataFetch {
    private struct Body: Decodable {
        var Code: String?
        var Message: String?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var Expiration: String?
    }

    /// Sends with the short-timeout metadata transport, retrying 5xx answers like any AWS call,
    /// and timeouts and connection failures too unless `retryingUnreachable` is `false` (then the
    /// ``AWSTransportError`` is thrown at once). After the last attempt a 5xx answer is returned
    /// for the caller to explain, and a transport failure becomes an ``AWSCredentialsError``.
    static func send(
        _ request: AWSHTTPRequest, settings: CredentialSettings, source: String, retryingUnreachable: Bool = true
    ) async throws -> AWSHTTPResponse {
        let runtime = settings.runtime
        return try await runtime.retry.attempts(sleep: runtime.sleep, random: runtime.random) { attempt in
            let response: AWSHTTPResponse
            do {
                response = try await runtime.metadataTransport.send(request)
            } catch let error as AWSTransportError where error.kind == .responseTooLarge {
                throw AWSCredentialsError(
                    .sourceFailed, source: source,
                    "The \(source) credentials endpoint \(request.hostHeader) sent more than a credentials document can hold (\(error.reason)); check what answers there.")
            } catch let error as AWSTransportError where retryingUnreachable {
                return .retryable(reason: error.reason, ifLast: .failure(AWSCredentialsError(
                    .sourceFailed, source: source,
                    "Could not fetch \(source) credentials from \(request.hostHeader) after \(attempt) attempts (\(error.reason)); check that the endpoint is reachable.")))
            }
            return response.status < 500 ? .finished(response) : .retryable(reason: "HTTP \(response.status)", ifLast: .success(response))
        }
    }

    static func decodeCredentials(_ bytes: [UInt8], source: String, endpoint: String) throws -> AWSCredentials {
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(bytes)) else {
            throw AWSCredentialsError(
                .sourceFailed, source: source, "The \(source) credentials endpoint \(endpoint) did not return a JSON credentials document.")
        }
        if let code = body.Code, code != "Success" {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "The \(source) credentials endpoint \(endpoint) reported \(code)\(body.Message.map { ": " + $0 } ?? ""); check the role attached there.")
        }
        guard let keyId = body.AccessKeyId, let secret = body.SecretAccessKey else {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "The \(source) credentials endpoint \(endpoint) returned a document without AccessKeyId and SecretAccessKey.")
        }
        return AWSCredentials(
            accessKeyId: keyId,
            secretAccessKey: SecretValue(secret),
            sessionToken: body.Token.map(SecretValue.init),
            expiration: body.Expiration.flatMap(AWSTimestamp.parseISO8601),
            source: source)
    }
}
