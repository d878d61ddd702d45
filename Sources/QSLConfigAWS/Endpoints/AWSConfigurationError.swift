/// A problem with how AWS access is configured: region, profile, shared files, endpoint URLs.
///
/// Found before any request is sent; the message names the setting and how to fix it.
public struct AWSConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The broad kind of problem, for callers that branch on it.
    public struct Kind: Sendable, Hashable {
        private enum Code: Sendable, Hashable {
            case missingRegion, profileNotFound, malformedSharedFile, invalidEndpoint, insecureEndpoint, invalidSetting
        }
        private let code: Code

        public static let missingRegion = Kind(code: .missingRegion)
        public static let profileNotFound = Kind(code: .profileNotFound)
        public static let malformedSharedFile = Kind(code: .malformedSharedFile)
        public static let invalidEndpoint = Kind(code: .invalidEndpoint)
        /// A plain `http://` endpoint whose host is not loopback.
        public static let insecureEndpoint = Kind(code: .insecureEndpoint)
        public static let invalidSetting = Kind(code: .invalidSetting)
    }

    public let kind: Kind
    /// One sentence saying what is wrong and how to fix it.
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
