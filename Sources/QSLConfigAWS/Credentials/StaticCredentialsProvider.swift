/// Always returns the same credentials.
///
/// ```swift
/// let provider = StaticCredentialsProvider(AWSCredentials(
///     accessKeyId: "AKIDEXAMPLE", secretAccessKey: SecretValue(secret), source: "explicit options"))
/// ```
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    public let fixed: AWSCredentials

    public init(_ credentials: AWSCredentials) { self.fixed = credentials }

    public func credentials() async throws -> AWSCredentials { fixed }
}
