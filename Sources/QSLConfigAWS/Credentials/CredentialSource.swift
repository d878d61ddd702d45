#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// One link of the credential chain.
protocol CredentialSource: Sendable {
    /// How the chain names this link when listing what it tried.
    var name: String { get }
    /// `.found` with credentials, `.notConfigured` when this source is not set up here (the
    /// chain moves on); throws when it is set up but fails (the chain stops, naming it).
    func load() async throws -> CredentialLookup
}

enum CredentialLookup: Sendable {
    case found(AWSCredentials)
    case notConfigured(String)
}

/// What every credential source may read: the environment, the shared files, the profile,
/// and the seams to reach STS and the metadata endpoints.
struct CredentialSettings: Sendable {
    var environment: [String: String]
    var files: SharedConfigFiles
    var profileName: String
    var endpoints: EndpointResolver
    var runtime: AWSRuntime
    /// `http://169.254.170.2`, where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` points.
    var containerBaseURL = "http://169.254.170.2"
    /// The instance metadata service unless `AWS_EC2_METADATA_SERVICE_ENDPOINT` says otherwise.
    var defaultIMDSEndpoint = "http://169.254.169.254"

    func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingWhitespaceAndNewlines(), !value.isEmpty else { return nil }
        return value
    }

    func sessionName(_ configured: String?) -> String {
        configured ?? "qsl-config-\(Int(runtime.now().timeIntervalSince1970))"
    }

    /// An STS client signing with `credentials` (or unsigned), honouring endpoint overrides.
    func sts(credentials: AWSCredentials?) -> STSClient {
        STSClient(client: AWSClient(
            service: .sts, endpoints: endpoints,
            credentials: credentials.map { StaticCredentialsProvider($0) }, runtime: runtime))
    }

    /// Token files hold a few kilobytes at most.
    static let maxTokenFileBytes = 1 << 20

    /// Reads a token file (web identity, container authorization) afresh, since the agents that
    /// write them rotate them, and trims it.
    ///
    /// - Parameter setting: how the file was named, e.g. `the web identity token file`.
    func token(file path: String, setting: String, source: String) throws -> String {
        do {
            let bytes = try FileBytes.read(path, maxBytes: Self.maxTokenFileBytes)
            return String(decoding: bytes, as: UTF8.self).trimmingWhitespaceAndNewlines()
        } catch {
            throw AWSCredentialsError(
                .sourceFailed, source: source,
                "Cannot read \(setting) \(path) (\(source)): \(error.message); check that the path exists and is readable.")
        }
    }

    /// Reads the web identity token and exchanges it for role credentials.
    func webIdentity(tokenFile: String, roleArn: String, sessionName: String?, source: String) async throws -> AWSCredentials {
        let token = try token(file: tokenFile, setting: "the web identity token file", source: source)
        do {
            let output = try await sts(credentials: nil).assumeRoleWithWebIdentity(.init(
                roleArn: roleArn, roleSessionName: self.sessionName(sessionName), webIdentityToken: SecretValue(token)))
            var credentials = output.credentials
            credentials.source = source
            return credentials
        } catch let error as AWSError {
            throw AWSCredentialsError(.sourceFailed, source: source, "Could not assume \(roleArn) with the web identity token (\(source)): \(error)")
        }
    }
}

/// Credentials passed in code or on the command line.
struct ExplicitCredentialSource: CredentialSource {
    let credentials: AWSCredentials
    var name: String { "explicit options" }
    func load() async throws -> CredentialLookup { .found(credentials) }
}
