#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

extension IAMClient {
    public enum AccessKeyStatus: String, Sendable, Hashable {
        case active = "Active"
        case inactive = "Inactive"
    }

    public struct AccessKeyMetadata: Sendable, Hashable {
        public var userName: String?
        public var accessKeyId: String
        /// `Active` or `Inactive`.
        public var status: String
        public var createDate: Date?
    }

    public struct ListAccessKeysOutput: Sendable, Hashable {
        public var accessKeys: [AccessKeyMetadata]
        public var isTruncated: Bool
        /// Pass back as `marker` for the next page; `nil` on the last page.
        public var marker: String?
    }

    public struct AccessKey: Sendable, Hashable {
        public var userName: String?
        public var accessKeyId: String
        public var status: String
        public var secretAccessKey: SecretValue
        public var createDate: Date?
    }
}
