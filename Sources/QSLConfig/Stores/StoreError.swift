/// A store operation that failed. Carries the secret or parameter involved and one sentence a
/// user can act on; never a secret value.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The secret, version or parameter does not exist.
        case notFound
        /// The caller may not do this.
        case accessDenied
        /// The request was refused as invalid (bad stage, deleted secret, ...).
        case invalidRequest
        /// The secret already exists.
        case alreadyExists
        /// The store itself failed: network, throttling after retries, a corrupt local file.
        case unavailable
    }

    public var code: Code
    public var message: String
    /// The secret or parameter concerned.
    public var subject: String?
    /// The AWS error code, for AWS stores.
    public var awsCode: String?

    public init(_ code: Code, _ message: String, subject: String? = nil, awsCode: String? = nil) {
        self.code = code
        self.message = message
        self.subject = subject
        self.awsCode = awsCode
    }

    public var description: String { message }

    /// Whether this is a failure of the store (exit code 3) rather than of the request.
    public var isStoreFailure: Bool { code == .unavailable || code == .accessDenied }
}
