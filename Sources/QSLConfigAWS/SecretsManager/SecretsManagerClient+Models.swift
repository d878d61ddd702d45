#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

// Request and response shapes of the Secrets Manager operations this package calls, named as
// in the AWS API reference. Timestamps are epoch seconds on the wire.

extension SecretsManagerClient {
    public struct Tag: Sendable, Hashable, Codable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
        enum CodingKeys: String, CodingKey { case key = "Key", value = "Value" }
    }

    /// A `ListSecrets`/`BatchGetSecretValue` filter, e.g. `Filter(key: "name", values: ["qsl/production/"])`.
    public struct Filter: Sendable, Hashable, Codable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
        enum CodingKeys: String, CodingKey { case key = "Key", values = "Values" }
    }

    struct SecretIdInput: Encodable {
        var secretId: String
        enum CodingKeys: String, CodingKey { case secretId = "SecretId" }
    }

    public struct GetSecretValueInput: Sendable, Hashable, Encodable {
        /// Name or ARN.
        public var secretId: String
        public var versionId: String?
        public var versionStage: String?
        public init(secretId: String, versionId: String? = nil, versionStage: String? = nil) {
            self.secretId = secretId
            self.versionId = versionId
            self.versionStage = versionStage
        }
        enum CodingKeys: String, CodingKey {
            case secretId = "SecretId", versionId = "VersionId", versionStage = "VersionStage"
        }
    }

    /// One secret version's value. Also the element of `BatchGetSecretValue`'s `SecretValues`.
    public struct GetSecretValueOutput: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String?
        public var versionId: String?
        public var secretString: SecretValue?
        /// A binary secret, base64 as on the wire.
        public var secretBinary: SecretValue?
        public var versionStages: [String]
        public var createdDate: Date?

        enum CodingKeys: String, CodingKey {
            case arn = "ARN", name = "Name", versionId = "VersionId", secretString = "SecretString"
            case secretBinary = "SecretBinary", versionStages = "VersionStages", createdDate = "CreatedDate"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            arn = try c.decodeIfPresent(String.self, forKey: .arn)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            versionId = try c.decodeIfPresent(String.self, forKey: .versionId)
            secretString = try c.decodeIfPresent(String.self, forKey: .secretString).map(SecretValue.init)
            secretBinary = try c.decodeIfPresent(String.self, forKey: .secretBinary).map(SecretValue.init)
            versionStages = try c.decodeIfPresent([String].self, forKey: .versionStages) ?? []
            createdDate = try c.decodeIfPresent(Date.self, forKey: .createdDate)
        }
    }

    public typealias SecretValueEntry = GetSecretValueOutput

    public struct BatchGetSecretValueInput: Sendable, Hashable, Encodable {
        /// Up to 20 names or ARNs; or use `filters` instead.
        public var secretIdList: [String]?
        public var filters: [Filter]?
        /// Only with `filters`.
        public var maxResults: Int?
        public var nextToken: String?
        public init(secretIdList: [String]? = nil, filters: [Filter]? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
            self.secretIdList = secretIdList
            self.filters = filters
            self.maxResults = maxResults
            self.nextToken = nextToken
        }
        enum CodingKeys: String, CodingKey {
            case secretIdList = "SecretIdList", filters = "Filters", maxResults = "MaxResults", nextToken = "NextToken"
        }
    }

    /// Why one secret of a batch could not be read.
    public struct APIError: Sendable, Hashable, Decodable {
        public var secretId: String?
        public var errorCode: String?
        public var message: String?
        enum CodingKeys: String, CodingKey { case secretId = "SecretId", errorCode = "ErrorCode", message = "Message" }
    }

    public struct BatchGetSecretValueOutput: Sendable, Hashable, Decodable {
        public var secretValues: [SecretValueEntry]
        public var errors: [APIError]
        public var nextToken: String?

        init(secretValues: [SecretValueEntry], errors: [APIError], nextToken: String?) {
            self.secretValues = secretValues
            self.errors = errors
            self.nextToken = nextToken
        }

        enum CodingKeys: String, CodingKey { case secretValues = "SecretValues", errors = "Errors", nextToken = "NextToken" }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            secretValues = try c.decodeIfPresent([SecretValueEntry].self, forKey: .secretValues) ?? []
            errors = try c.decodeIfPresent([APIError].self, forKey: .errors) ?? []
            nextToken = try c.decodeIfPresent(String.self, forKey: .nextToken)
        }
    }

    public struct RotationRules: Sendable, Hashable, Decodable {
        public var automaticallyAfterDays: Int?
        public var duration: String?
        public var scheduleExpression: String?
        enum CodingKeys: String, CodingKey {
            case automaticallyAfterDays = "AutomaticallyAfterDays", duration = "Duration", scheduleExpression = "ScheduleExpression"
        }
    }

    /// Secret metadata, from `DescribeSecret`; `ListSecrets` returns the same shape per secret.
    public struct DescribeSecretOutput: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String?
        public var description: String?
        public var kmsKeyId: String?
        public var rotationEnabled: Bool?
        public var rotationLambdaARN: String?
        public var rotationRules: RotationRules?
        public var lastRotatedDate: Date?
        public var lastChangedDate: Date?
        public var lastAccessedDate: Date?
        public var deletedDate: Date?
        public var nextRotationDate: Date?
        public var createdDate: Date?
        public var tags: [Tag]
        /// Version id → its staging labels (`VersionIdsToStages`, or `SecretVersionsToStages` in `ListSecrets`).
        public var versionIdsToStages: [String: [String]]

        enum CodingKeys: String, CodingKey {
            case arn = "ARN", name = "Name", description = "Description", kmsKeyId = "KmsKeyId"
            case rotationEnabled = "RotationEnabled", rotationLambdaARN = "RotationLambdaARN", rotationRules = "RotationRules"
            case lastRotatedDate = "LastRotatedDate", lastChangedDate = "LastChangedDate", lastAccessedDate = "LastAccessedDate"
            case deletedDate = "DeletedDate", nextRotationDate = "NextRotationDate", createdDate = "CreatedDate", tags = "Tags"
            case versionIdsToStages = "VersionIdsToStages", secretVersionsToStages = "SecretVersionsToStages"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            arn = try c.decodeIfPresent(String.self, forKey: .arn)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            kmsKeyId = try c.decodeIfPresent(String.self, forKey: .kmsKeyId)
            rotationEnabled = try c.decodeIfPresent(Bool.self, forKey: .rotationEnabled)
            rotationLambdaARN = try c.decodeIfPresent(String.self, forKey: .rotationLambdaARN)
            rotationRules = try c.decodeIfPresent(RotationRules.self, forKey: .rotationRules)
            lastRotatedDate = try c.decodeIfPresent(Date.self, forKey: .lastRotatedDate)
            lastChangedDate = try c.decodeIfPresent(Date.self, forKey: .lastChangedDate)
            lastAccessedDate = try c.decodeIfPresent(Date.self, forKey: .lastAccessedDate)
            deletedDate = try c.decodeIfPresent(Date.self, forKey: .deletedDate)
            nextRotationDate = try c.decodeIfPresent(Date.self, forKey: .nextRotationDate)
            createdDate = try c.decodeIfPresent(Date.self, forKey: .createdDate)
            tags = try c.decodeIfPresent([Tag].self, forKey: .tags) ?? []
            versionIdsToStages = try c.decodeIfPresent([String: [String]].self, forKey: .versionIdsToStages)
                ?? c.decodeIfPresent([String: [String]].self, forKey: .secretVersionsToStages) ?? [:]
        }
    }

    public typealias SecretListEntry = DescribeSecretOutput

    public struct ListSecretsInput: Sendable, Hashable, Encodable {
        public var filters: [Filter]?
        public var maxResults: Int?
        public var nextToken: String?
        public var includePlannedDeletion: Bool?
        /// `asc` or `desc`.
        public var sortOrder: String?
        public init(filters: [Filter]? = nil, maxResults: Int? = nil, nextToken: String? = nil, includePlannedDeletion: Bool? = nil, sortOrder: String? = nil) {
            self.filters = filters
            self.maxResults = maxResults
            self.nextToken = nextToken
            self.includePlannedDeletion = includePlannedDeletion
            self.sortOrder = sortOrder
        }
        enum CodingKeys: String, CodingKey {
            case filters = "Filters", maxResults = "MaxResults", nextToken = "NextToken"
            case includePlannedDeletion = "IncludePlannedDeletion", sortOrder = "SortOrder"
        }
    }

    public struct ListSecretsOutput: Sendable, Hashable, Decodable {
        public var secretList: [SecretListEntry]
        public var nextToken: String?
        enum CodingKeys: String, CodingKey { case secretList = "SecretList", nextToken = "NextToken" }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            secretList = try c.decodeIfPresent([SecretListEntry].self, forKey: .secretList) ?? []
            nextToken = try c.decodeIfPresent(String.self, forKey: .nextToken)
        }
    }

    public struct ListSecretVersionIdsInput: Sendable, Hashable, Encodable {
        public var secretId: String
        public var maxResults: Int?
        public var nextToken: String?
        /// Include versions with no staging label (deprecated versions).
        public var includeDeprecated: Bool?
        public init(secretId: String, maxResults: Int? = nil, nextToken: String? = nil, includeDeprecated: Bool? = nil) {
            self.secretId = secretId
            self.maxResults = maxResults
            self.nextToken = nextToken
            self.includeDeprecated = includeDeprecated
        }
        enum CodingKeys: String, CodingKey {
            case secretId = "SecretId", maxResults = "MaxResults", nextToken = "NextToken", includeDeprecated = "IncludeDeprecated"
        }
    }

    public struct SecretVersionsListEntry: Sendable, Hashable, Decodable {
        public var versionId: String?
        public var versionStages: [String]
        public var lastAccessedDate: Date?
        public var createdDate: Date?
        enum CodingKeys: String, CodingKey {
            case versionId = "VersionId", versionStages = "VersionStages", lastAccessedDate = "LastAccessedDate", createdDate = "CreatedDate"
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            versionId = try c.decodeIfPresent(String.self, forKey: .versionId)
            versionStages = try c.decodeIfPresent([String].self, forKey: .versionStages) ?? []
            lastAccessedDate = try c.decodeIfPresent(Date.self, forKey: .lastAccessedDate)
            createdDate = try c.decodeIfPresent(Date.self, forKey: .createdDate)
        }
    }

    public struct ListSecretVersionIdsOutput: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String?
        public var versions: [SecretVersionsListEntry]
        public var nextToken: String?
        enum CodingKeys: String, CodingKey { case arn = "ARN", name = "Name", versions = "Versions", nextToken = "NextToken" }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            arn = try c.decodeIfPresent(String.self, forKey: .arn)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            versions = try c.decodeIfPresent([SecretVersionsListEntry].self, forKey: .versions) ?? []
            nextToken = try c.decodeIfPresent(String.self, forKey: .nextToken)
        }
    }

    public struct CreateSecretInput: Sendable, Hashable, Encodable {
        public var name: String
        /// Idempotency token; generated once per call when `nil`.
        public var clientRequestToken: String?
        public var description: String?
        public var kmsKeyId: String?
        public var secretString: SecretValue?
        /// A binary secret, base64.
        public var secretBinary: SecretValue?
        public var tags: [Tag]?
        public init(
            name: String, secretString: SecretValue? = nil, secretBinary: SecretValue? = nil, description: String? = nil,
            kmsKeyId: String? = nil, tags: [Tag]? = nil, clientRequestToken: String? = nil
        ) {
            self.name = name
            self.secretString = secretString
            self.secretBinary = secretBinary
            self.description = description
            self.kmsKeyId = kmsKeyId
            self.tags = tags
            self.clientRequestToken = clientRequestToken
        }
        enum CodingKeys: String, CodingKey {
            case name = "Name", clientRequestToken = "ClientRequestToken", description = "Description", kmsKeyId = "KmsKeyId"
            case secretString = "SecretString", secretBinary = "SecretBinary", tags = "Tags"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encodeIfPresent(clientRequestToken, forKey: .clientRequestToken)
            try c.encodeIfPresent(description, forKey: .description)
            try c.encodeIfPresent(kmsKeyId, forKey: .kmsKeyId)
            // The one place a value leaves its wrapper: the request body to Secrets Manager.
            try c.encodeIfPresent(secretString?.unsafeRevealed, forKey: .secretString)
            try c.encodeIfPresent(secretBinary?.unsafeRevealed, forKey: .secretBinary)
            try c.encodeIfPresent(tags, forKey: .tags)
        }
    }

    public struct CreateSecretOutput: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String?
        public var versionId: String?
        enum CodingKeys: String, CodingKey { case arn = "ARN", name = "Name", versionId = "VersionId" }
    }

    public struct PutSecretValueInput: Sendable, Hashable, Encodable {
        public var secretId: String
        /// Idempotency token and the new version's id; generated once per call when `nil`.
        public var clientRequestToken: String?
        public var secretString: SecretValue?
        /// A binary secret, base64.
        public var secretBinary: SecretValue?
        /// Labels for the new version; `AWSCURRENT` when `nil`.
        public var versionStages: [String]?
        public init(
            secretId: String, secretString: SecretValue? = nil, secretBinary: SecretValue? = nil,
            versionStages: [String]? = nil, clientRequestToken: String? = nil
        ) {
            self.secretId = secretId
            self.secretString = secretString
            self.secretBinary = secretBinary
            self.versionStages = versionStages
            self.clientRequestToken = clientRequestToken
        }
        enum CodingKeys: String, CodingKey {
            case secretId = "SecretId", clientRequestToken = "ClientRequestToken", secretString = "SecretString"
            case secretBinary = "SecretBinary", versionStages = "VersionStages"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(secretId, forKey: .secretId)
            try c.encodeIfPresent(clientRequestToken, forKey: .clientRequestToken)
            try c.encodeIfPresent(secretString?.unsafeRevealed, forKey: .secretString)
            try c.encodeIfPresent(secretBinary?.unsafeRevealed, forKey: .secretBinary)
            try c.encodeIfPresent(versionStages, forKey: .versionStages)
        }
    }

    public struct PutSecretValueOutput: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String?
        public var versionId: String?
        public var versionStages: [String]?
        enum CodingKeys: String, CodingKey { case arn = "ARN", name = "Name", versionId = "VersionId", versionStages = "VersionStages" }
    }

    public struct UpdateSecretVersionStageInput: Sendable, Hashable, Encodable {
        public var secretId: String
        public var versionStage: String
        public var removeFromVersionId: String?
        public var moveToVersionId: String?
        public init(secretId: String, versionStage: String, removeFromVersionId: String? = nil, moveToVersionId: String? = nil) {
            self.secretId = secretId
            self.versionStage = versionStage
            self.removeFromVersionId = removeFromVersionId
            self.moveToVersionId = moveToVersionId
        }
        enum CodingKeys: String, CodingKey {
            case secretId = "SecretId", versionStage = "VersionStage", removeFromVersionId = "RemoveFromVersionId"
            case moveToVersionId = "MoveToVersionId"
        }
    }

    public struct UpdateSecretVersionStageOutput: Sendable, Hashable, Decodable {
        public var arn: String?
        public var name: String?
        enum CodingKeys: String, CodingKey { case arn = "ARN", name = "Name" }
    }

    struct TagResourceInput: Encodable {
        var secretId: String
        var tags: [Tag]
        enum CodingKeys: String, CodingKey { case secretId = "SecretId", tags = "Tags" }
    }
}
