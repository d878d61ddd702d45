import QSLConfigCore

/// Where secrets and parameters live: AWS (Secrets Manager and Parameter Store) or the embedded
/// local store. Every implementation has Secrets Manager's semantics — versions, staging labels
/// (`AWSCURRENT`, `AWSPREVIOUS`, `AWSPENDING`), client request tokens — and passes the compat
/// suite in `QSLConfigTesting`.
public protocol SecretStore: Sendable {
    /// A label for messages: `aws (us-east-1)`, `local (.qsl/store.json)`.
    var storeDescription: String { get }

    /// Equal for two stores that read the same data with the same rights (the same local store
    /// file; the same AWS profile, region and endpoints), so that services sharing a store are
    /// resolved in one batched pass and services on different stores never share one.
    var storeIdentity: String { get }

    /// Fetches many secrets at once. The store batches as its API allows; a secret that cannot
    /// be fetched is reported in ``SecretFetchResult/failures`` rather than failing the call.
    func getSecrets(_ selectors: [SecretVersionSelector]) async throws(StoreError) -> SecretFetchResult

    /// Fetches many parameters at once, SecureStrings decrypted; unknown names are reported in
    /// ``ParameterFetchResult/invalidNames``.
    func getParameters(_ references: [ParameterReference]) async throws(StoreError) -> ParameterFetchResult

    /// Which parameters exist, with their type and version but never their value: `GetParameters`
    /// without decryption, the value dropped as it arrives. What `validate --remote` asks.
    /// Unknown names (and unknown versions or labels) are in ``ParameterMetadataResult/missing``.
    func parameterMetadata(_ references: [ParameterReference]) async throws(StoreError) -> ParameterMetadataResult

    /// Every parameter under a path, recursively, decrypted.
    func getParameters(underPath path: String) async throws(StoreError) -> [StoredParameter]

    /// Every parameter under a path, recursively, with its name, ARN, type and version but never
    /// its value: `GetParametersByPath` without decryption, the value dropped as it arrives. What
    /// a caller that needs only names asks (the `ecs` bundle references parameters by ARN), so
    /// the machine running it needs no `kms:Decrypt` and no SecureString is ever in its memory.
    func parameterMetadata(underPath path: String) async throws(StoreError) -> [ParameterMetadata]

    /// One secret at a version.
    func getSecret(_ selector: SecretVersionSelector) async throws(StoreError) -> StoredSecret

    /// A secret's metadata: versions, stages and tags, never a value.
    func describeSecret(_ secretId: String) async throws(StoreError) -> SecretDescription

    /// Every version of a secret the store still keeps, with its staging labels, including
    /// versions no label points at any more (`ListSecretVersionIds` with `IncludeDeprecated`).
    func listSecretVersions(_ secretId: String) async throws(StoreError) -> [SecretVersionInfo]

    /// Secrets whose names start with `prefix` (all secrets when `nil`).
    func listSecrets(prefix: String?) async throws(StoreError) -> [SecretDescription]

    /// Creates a secret with a first version staged `AWSCURRENT`.
    func createSecret(_ request: CreateSecretRequest) async throws(StoreError) -> SecretVersionRef

    /// Adds a version. Without `stages` the new version becomes `AWSCURRENT` and the old current
    /// one `AWSPREVIOUS`. Retrying with the same `clientRequestToken` and value creates nothing new.
    func putSecretValue(
        _ secretId: String, value: SecretPayload, stages: [String]?, clientRequestToken: String
    ) async throws(StoreError) -> SecretVersionRef

    /// Moves `stage` to `versionId` (removing it from `removeFromVersionId`); without `versionId`,
    /// only removes it.
    func updateSecretVersionStage(
        _ secretId: String, stage: String, moveToVersionId: String?, removeFromVersionId: String?
    ) async throws(StoreError)

    /// Adds or replaces tags.
    func tagSecret(_ secretId: String, tags: [String: String]) async throws(StoreError)

    /// Writes a parameter (overwriting an existing one).
    func putParameter(_ name: String, value: String, secure: Bool) async throws(StoreError)
}

/// A secret's value: text (`SecretString`) or bytes (`SecretBinary`).
public enum SecretPayload: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    case string(SecretValue)
    case binary([UInt8])

    public var description: String { SecretValue.redactionMarker }

    /// The kind and the redaction marker: `dump` never walks a binary secret's bytes.
    public var customMirror: Mirror {
        switch self {
        case .string: Mirror(self, children: ["string": SecretValue.redactionMarker], displayStyle: .enum)
        case .binary(let bytes): Mirror(self, children: ["binary": "\(SecretValue.redactionMarker) (\(bytes.count) bytes)"], displayStyle: .enum)
        }
    }
}

/// A secret value as fetched.
public struct StoredSecret: Sendable {
    public var arn: String
    public var name: String
    public var versionId: String
    public var stages: [String]
    public var payload: SecretPayload

    public init(arn: String, name: String, versionId: String, stages: [String], payload: SecretPayload) {
        self.arn = arn
        self.name = name
        self.versionId = versionId
        self.stages = stages
        self.payload = payload
    }
}

/// A parameter as fetched.
public struct StoredParameter: Sendable {
    public var name: String
    public var arn: String?
    public var type: String
    public var version: Int
    public var value: SecretValue

    public init(name: String, arn: String?, type: String, version: Int, value: SecretValue) {
        self.name = name
        self.arn = arn
        self.type = type
        self.version = version
        self.value = value
    }

    public var isSecure: Bool { type == "SecureString" }
}

/// The outcome of a batch secret fetch: the secrets found, and why each other one was not.
public struct SecretFetchResult: Sendable {
    public var secrets: [SecretVersionSelector: StoredSecret]
    public var failures: [SecretVersionSelector: StoreError]
    /// How many calls the store made for this batch (for the call-count guarantees).
    public var calls: Int

    public init(secrets: [SecretVersionSelector: StoredSecret] = [:], failures: [SecretVersionSelector: StoreError] = [:], calls: Int = 0) {
        self.secrets = secrets
        self.failures = failures
        self.calls = calls
    }
}

/// The outcome of a batch parameter fetch.
public struct ParameterFetchResult: Sendable {
    public var parameters: [ParameterReference: StoredParameter]
    public var invalidNames: Set<ParameterReference>
    public var calls: Int

    public init(parameters: [ParameterReference: StoredParameter] = [:], invalidNames: Set<ParameterReference> = [], calls: Int = 0) {
        self.parameters = parameters
        self.invalidNames = invalidNames
        self.calls = calls
    }
}

/// A parameter's metadata: no value.
public struct ParameterMetadata: Sendable, Hashable {
    public var name: String
    public var arn: String?
    /// `String`, `StringList` or `SecureString`.
    public var type: String
    public var version: Int

    public init(name: String, arn: String?, type: String, version: Int) {
        self.name = name
        self.arn = arn
        self.type = type
        self.version = version
    }
}

/// The outcome of a metadata check of many parameters.
public struct ParameterMetadataResult: Sendable {
    public var found: [ParameterReference: ParameterMetadata]
    public var missing: Set<ParameterReference>
    public var calls: Int

    public init(found: [ParameterReference: ParameterMetadata] = [:], missing: Set<ParameterReference> = [], calls: Int = 0) {
        self.found = found
        self.missing = missing
        self.calls = calls
    }
}

/// A secret's metadata.
public struct SecretDescription: Sendable, Hashable {
    public var arn: String
    public var name: String
    public var description: String?
    public var kmsKeyId: String?
    public var tags: [String: String]
    /// Version id → staging labels, for every version that has a label.
    public var versions: [String: [String]]
    public var createdDate: Double?
    public var lastChangedDate: Double?
    public var lastRotatedDate: Double?

    public init(
        arn: String, name: String, description: String? = nil, kmsKeyId: String? = nil, tags: [String: String] = [:],
        versions: [String: [String]] = [:], createdDate: Double? = nil, lastChangedDate: Double? = nil, lastRotatedDate: Double? = nil
    ) {
        self.arn = arn
        self.name = name
        self.description = description
        self.kmsKeyId = kmsKeyId
        self.tags = tags
        self.versions = versions
        self.createdDate = createdDate
        self.lastChangedDate = lastChangedDate
        self.lastRotatedDate = lastRotatedDate
    }

    /// The version that holds `stage`.
    public func versionId(forStage stage: String) -> String? {
        versions.first { $0.value.contains(stage) }?.key
    }
}

/// What a write returns.
public struct SecretVersionRef: Sendable, Hashable {
    public var arn: String
    public var name: String
    public var versionId: String

    public init(arn: String, name: String, versionId: String) {
        self.arn = arn
        self.name = name
        self.versionId = versionId
    }
}

/// A new secret.
public struct CreateSecretRequest: Sendable {
    public var name: String
    public var value: SecretPayload
    public var description: String?
    public var kmsKeyId: String?
    public var tags: [String: String]
    public var clientRequestToken: String

    public init(
        name: String, value: SecretPayload, description: String? = nil, kmsKeyId: String? = nil,
        tags: [String: String] = [:], clientRequestToken: String
    ) {
        self.name = name
        self.value = value
        self.description = description
        self.kmsKeyId = kmsKeyId
        self.tags = tags
        self.clientRequestToken = clientRequestToken
    }
}
