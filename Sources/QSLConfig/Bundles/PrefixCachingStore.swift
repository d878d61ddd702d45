import QSLConfigCore
import Synchronization

/// A store that loads each Parameter Store prefix once however many services layer it: the
/// bundles of 22 services that all set `AWS:ParameterStorePrefix` cost one
/// `GetParametersByPath` walk, not 22. Every other call goes straight to the base store.
final class PrefixCachingStore: SecretStore {
    let base: any SecretStore
    /// Each prefix's parameters, or why they could not be loaded (reported once, not per service).
    private let cache = Mutex<[String: Result<[StoredParameter], StoreError>]>([:])

    init(_ base: any SecretStore) { self.base = base }

    /// The distinct prefixes loaded so far.
    var loadedPrefixes: Int { cache.withLock { $0.count } }

    var storeDescription: String { base.storeDescription }

    func getParameters(underPath path: String) async throws(StoreError) -> [StoredParameter] {
        if let cached = cache.withLock({ $0[path] }) { return try cached.get() }
        let loaded: Result<[StoredParameter], StoreError>
        do { loaded = .success(try await base.getParameters(underPath: path)) } catch { loaded = .failure(error) }
        cache.withLock { $0[path] = loaded }
        return try loaded.get()
    }

    func getSecrets(_ selectors: [SecretVersionSelector]) async throws(StoreError) -> SecretFetchResult {
        try await base.getSecrets(selectors)
    }
    func getParameters(_ references: [ParameterReference]) async throws(StoreError) -> ParameterFetchResult {
        try await base.getParameters(references)
    }
    func parameterMetadata(_ references: [ParameterReference]) async throws(StoreError) -> ParameterMetadataResult {
        try await base.parameterMetadata(references)
    }
    func listSecretVersions(_ secretId: String) async throws(StoreError) -> [SecretVersionInfo] {
        try await base.listSecretVersions(secretId)
    }
    func getSecret(_ selector: SecretVersionSelector) async throws(StoreError) -> StoredSecret {
        try await base.getSecret(selector)
    }
    func describeSecret(_ secretId: String) async throws(StoreError) -> SecretDescription {
        try await base.describeSecret(secretId)
    }
    func listSecrets(prefix: String?) async throws(StoreError) -> [SecretDescription] {
        try await base.listSecrets(prefix: prefix)
    }
    func createSecret(_ request: CreateSecretRequest) async throws(StoreError) -> SecretVersionRef {
        try await base.createSecret(request)
    }
    func putSecretValue(_ secretId: String, value: SecretPayload, stages: [String]?, clientRequestToken: String) async throws(StoreError) -> SecretVersionRef {
        try await base.putSecretValue(secretId, value: value, stages: stages, clientRequestToken: clientRequestToken)
    }
    func updateSecretVersionStage(_ secretId: String, stage: String, moveToVersionId: String?, removeFromVersionId: String?) async throws(StoreError) {
        try await base.updateSecretVersionStage(secretId, stage: stage, moveToVersionId: moveToVersionId, removeFromVersionId: removeFromVersionId)
    }
    func tagSecret(_ secretId: String, tags: [String: String]) async throws(StoreError) {
        try await base.tagSecret(secretId, tags: tags)
    }
    func putParameter(_ name: String, value: String, secure: Bool) async throws(StoreError) {
        try await base.putParameter(name, value: value, secure: secure)
    }
}
