#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

extension SSMClient {
    /// `String`, `StringList` or `SecureString`.
    public struct ParameterType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let string = ParameterType(rawValue: "String")
        public static let stringList = ParameterType(rawValue: "StringList")
        public static let secureString = ParameterType(rawValue: "SecureString")
        public var description: String { rawValue }
    }

    public struct Parameter: Sendable, Hashable, Decodable {
        public var name: String
        public var type: ParameterType?
        /// Redacted when printed, whatever the type.
        public var value: SecretValue
        public var version: Int?
        public var arn: String?
        public var lastModifiedDate: Date?
        public var dataType: String?

        enum CodingKeys: String, CodingKey {
            case name = "Name", type = "Type", value = "Value", version = "Version", arn = "ARN"
            case lastModifiedDate = "LastModifiedDate", dataType = "DataType"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            type = try c.decodeIfPresent(ParameterType.self, forKey: .type)
            // Parameter Store always returns the value (ciphertext for a SecureString read without
            // decryption): one without it is no parameter, never an empty one.
            value = SecretValue(try c.decode(String.self, forKey: .value))
            version = try c.decodeIfPresent(Int.self, forKey: .version)
            arn = try c.decodeIfPresent(String.self, forKey: .arn)
            lastModifiedDate = try c.decodeIfPresent(Date.self, forKey: .lastModifiedDate)
            dataType = try c.decodeIfPresent(String.self, forKey: .dataType)
        }
    }

    struct GetParameterInput: Encodable {
        var name: String
        var withDecryption: Bool
        enum CodingKeys: String, CodingKey { case name = "Name", withDecryption = "WithDecryption" }
    }

    struct GetParameterOutput: Decodable {
        var parameter: Parameter
        enum CodingKeys: String, CodingKey { case parameter = "Parameter" }
    }

    struct GetParametersInput: Encodable {
        var names: [String]
        var withDecryption: Bool
        enum CodingKeys: String, CodingKey { case names = "Names", withDecryption = "WithDecryption" }
    }

    public struct GetParametersOutput: Sendable, Hashable, Decodable {
        public var parameters: [Parameter]
        /// Requested names that do not exist.
        public var invalidParameters: [String]
        enum CodingKeys: String, CodingKey { case parameters = "Parameters", invalidParameters = "InvalidParameters" }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            parameters = try c.decodeIfPresent([Parameter].self, forKey: .parameters) ?? []
            invalidParameters = try c.decodeIfPresent([String].self, forKey: .invalidParameters) ?? []
        }
    }

    public struct GetParametersByPathInput: Sendable, Hashable, Encodable {
        public var path: String
        public var recursive: Bool?
        public var withDecryption: Bool?
        /// At most 10 (the API's limit).
        public var maxResults: Int?
        public var nextToken: String?
        public init(path: String, recursive: Bool? = nil, withDecryption: Bool? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
            self.path = path
            self.recursive = recursive
            self.withDecryption = withDecryption
            self.maxResults = maxResults
            self.nextToken = nextToken
        }
        enum CodingKeys: String, CodingKey {
            case path = "Path", recursive = "Recursive", withDecryption = "WithDecryption", maxResults = "MaxResults"
            case nextToken = "NextToken"
        }
    }

    public struct GetParametersByPathOutput: Sendable, Hashable, Decodable {
        public var parameters: [Parameter]
        public var nextToken: String?
        enum CodingKeys: String, CodingKey { case parameters = "Parameters", nextToken = "NextToken" }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            parameters = try c.decodeIfPresent([Parameter].self, forKey: .parameters) ?? []
            nextToken = try c.decodeIfPresent(String.self, forKey: .nextToken)
        }
    }

    public struct PutParameterInput: Sendable, Hashable, Encodable {
        public var name: String
        public var value: SecretValue
        public var type: ParameterType?
        public var description: String?
        /// A KMS key for `SecureString`; the account's default key when `nil`.
        public var keyId: String?
        public var overwrite: Bool?
        public var tags: [SecretsManagerClient.Tag]?
        public init(
            name: String, value: SecretValue, type: ParameterType? = nil, description: String? = nil,
            keyId: String? = nil, overwrite: Bool? = nil, tags: [SecretsManagerClient.Tag]? = nil
        ) {
            self.name = name
            self.value = value
            self.type = type
            self.description = description
            self.keyId = keyId
            self.overwrite = overwrite
            self.tags = tags
        }
        enum CodingKeys: String, CodingKey {
            case name = "Name", value = "Value", type = "Type", description = "Description", keyId = "KeyId"
            case overwrite = "Overwrite", tags = "Tags"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            // The one place a value leaves its wrapper: the request body to SSM.
            try c.encode(value.unsafeRevealed, forKey: .value)
            try c.encodeIfPresent(type, forKey: .type)
            try c.encodeIfPresent(description, forKey: .description)
            try c.encodeIfPresent(keyId, forKey: .keyId)
            try c.encodeIfPresent(overwrite, forKey: .overwrite)
            try c.encodeIfPresent(tags, forKey: .tags)
        }
    }

    public struct PutParameterOutput: Sendable, Hashable, Decodable {
        public var version: Int
        public var tier: String?
        enum CodingKeys: String, CodingKey { case version = "Version", tier = "Tier" }
    }
}
