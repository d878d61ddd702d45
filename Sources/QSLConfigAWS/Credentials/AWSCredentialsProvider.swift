/// Something that can produce AWS credentials, refreshing them when they expire.
///
/// ``AWSCredentialChain`` is the standard implementation; ``StaticCredentialsProvider`` wraps
/// fixed keys.
public protocol AWSCredentialsProvider: Sendable {
    /// Credentials valid for at least the next few minutes.
    func credentials() async throws -> AWSCredentials
}
