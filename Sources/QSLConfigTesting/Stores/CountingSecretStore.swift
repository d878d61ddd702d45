import QSLConfig
import QSLConfigCore
import Synchronization

/// Wraps a store and counts what callers ask of it, to prove "fetched once" and batching
/// guarantees without a network.
public final class CountingSecretStore: SecretStore {
    public let base: any SecretStore
    private let counts = Mutex<[String: Int]>([:])
    private let requested = Mutex<[[SecretVersionSelector]]>([])

    public init(_ base: any SecretStore) { self.base = base }

    /// How many times each protocol method was called.
    public var calls: [String: Int] { counts.withLock { $0 } }

    /// The selectors of every `getSecrets` call, in order.
    public var secretBatches: [[SecretVersionSelector]] { requested.withLock { $0 } }

    func count(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }

    public var storeDescription: String { base.storeDescription }
    public var storeIdentity: String { base.storeIdentity }

    public func getSecrets(_ selectors: [SecretVersionSelector]) async throws(StoreError) -> SecretFetchResult {
        count("getSecrets")
        requested.withLock { $0.append(selectors) }
        return try await base.getSecrets(selectors)
    }
    public func getParameters(_ references: [ParameterReference]) async throws(StoreError) -> ParameterFetchResult {
        count("getParameters")
        return try await base.getParameters(references)
    }
    public func parameterMetadata(_ references: [ParameterReference]) async throws(StoreError) -> ParameterMetadataResult {
        count("parameterMetadata")
        return try await base.parameterMetadata(references)
    }
    public func getParameters(underPath path: String) async throws(StoreError) -> [StoredParameter] {
        count("getParametersUnderPath")
        return try await base.getParameters(underPath: path)
    }
    public func parameterMetadata(underPath path: String) async throws(StoreError) -> [ParameterMetadata] {
        count("parameterMetadataUnderPath")
        return try await base.parameterMetadata(underPath: path)
    }
    public func getSecret(_ selector: SecretVersionSelector) async throws(StoreError) -> StoredSecret {
        count("getSecret")
        return try await base.getSecret(selector)
    }
    public func describeSecret(_ secretId: String) async throws(StoreError) -> SecretDescription {
        count("describeSecret")
        return try await base.describeSecret(secretId)
    }
    public func listSecretVersions(_ secretId: String) async throws(StoreError) -> [SecretVersionInfo] {
        count("listSecretVersions")
        return try await base.listSecretVersions(secretId)
    }
    public func listSecrets(prefix: String?) async throws(StoreError) -> [SecretDescription] {
        count("listSecrets")
        return try await base.listSecrets(prefix: prefix)
    }
    public func createSecret(_ request: CreateSecretRequest) async throws(StoreError) -> SecretVersionRef {
        count("createSecret")
        return try await base.createSecret(request)
    }
    public func putSecretValue(_ secretId: String, value: SecretPayload, stages: [String]?, clientRequestToken: String) async throws(StoreError) -> SecretVersionRef {
        count("putSecretValue")
        return try await base.putSecretValue(secretId, value: value, stages: stages, clientRequestToken: clientRequestToken)
    }
    public func updateSecretVersionStage(_ secretId: String, stage: String, moveToVersionId: String?, removeFromVersionId: String?) async throws(StoreError) {
        count("updateSecretVersionStage")
        try await base.updateSecretVersionStage(secretId, stage: stage, moveToVersionId: moveToVersionId, removeFromVersionId: removeFromVersionId)
    }
    public func tagSecret(_ secretId: String, tags: [String: String]) async throws(StoreError) {
        count("tagSecret")
        try await base.tagSecret(secretId, tags: tags)
    }
    public func putParameter(_ name: String, value: String, secure: Bool) async throws(StoreError) {
        count("putParameter")
        try await base.putParameter(name, value: value, secure: secure)
    }
}
