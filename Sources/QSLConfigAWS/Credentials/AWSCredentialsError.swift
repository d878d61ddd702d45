/// Credentials could not be found or loaded.
///
/// Names the source that failed (or every source tried) and what to change.
public struct AWSCredentialsError: Error, Sendable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable {
        private enum Code: Sendable, Hashable { case notFound, sourceFailed, misconfigured }
        private let code: Code

        /// No source in the chain had credentials.
        public static let notFound = Kind(code: .notFound)
        /// A configured source (role, web identity, container, process, IMDS) failed to deliver.
        public static let sourceFailed = Kind(code: .sourceFailed)
        /// A source is configured in a way that cannot work (half a key pair, a loop of profiles,
        /// a container URL on a forbidden host).
        public static let misconfigured = Kind(code: .misconfigured)
    }

    public let kind: Kind
    /// The source concerned, e.g. `assume-role via profile ops`; `nil` for ``Kind/notFound``.
    public let source: String?
    /// One sentence saying what is wrong and how to fix it.
    public let description: String

    init(_ kind: Kind, source: String?, _ description: String) {
        self.kind = kind
        self.source = source
        self.description = description
    }
}
