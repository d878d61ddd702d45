import QSLConfig
import QSLConfigCore

/// Delegates every call to a store, but lets a test replace how batches of secrets are read: to
/// slow them down, record them, or serve the wrong version on purpose (a control run).
///
/// ```swift
/// let slow = InterceptingSecretStore(store) { base, selectors in
///     try? await Task.sleep(for: .milliseconds(20))
///     return try await base.getSecrets(selectors)
/// }
/// ```
public struct InterceptingSecretStore: SecretStore {
    public typealias GetSecrets = @Sendable (any SecretStore, [SecretVersionSelector]) async throws(StoreError) -> SecretFetchResult

    public let base: any SecretStore
    private let readSecrets: GetSecrets

    public init(_ base: any SecretStore, getSecrets: @escaping GetSecrets) {
        self.base = base
        self.readSecrets = getSecrets
    }

    public var storeDescription: String { base.storeDescription }
    public var storeIdentity: String { base.storeIdentity }

    public func getSecrets(_ selectors: [SecretVersionSelector]) async throws(StoreError) -> SecretFetchResult {
        try await readSecrets(base, selectors)
    }
    public func getParameters(_ references: [ParameterReference]) async throws(StoreError) -> ParameterFetchResult {
        try await base.getParameters(references)
    }
    public func parameterMetadata(_ references: [ParameterReference]) async throws(StoreError) -> ParameterMetadataResult {
        try await base.parameterMetadata(references)
    }
    public func getParameters(underPath path: String) async throws(StoreError) -> [StoredParameter] { try await base.getParameters(underPath: path) }
    public func parameterMetadata(underPath path: String) async throws(StoreError) -> [ParameterMetadata] { try await base.parameterMetadata(underPath: path) }
    public func getSecret(_ selector: SecretVersionSelector) async throws(StoreError) -> StoredSecret { try await base.getSecret(selector) }
    public func describeSecret(_ secretId: String) async throws(StoreError) -> SecretDescription { try await base.describeSecret(secretId) }
    public func listSecretVersions(_ secretId: String) async throws(StoreError) -> [SecretVersionInfo] { try await base.listSecretVersions(secretId) }
    public func listSecrets(prefix: String?) async throws(StoreError) -> [SecretDescription] { try await base.listSecrets(prefix: prefix) }
    public func createSecret(_ request: CreateSecretRequest) async throws(StoreError) -> SecretVersionRef { try await base.createSecret(request) }
    public func putSecretValue(_ secretId: String, value: SecretPayload, stages: [String]?, clientRequestToken: String) async throws(StoreError) -> SecretVersionRef {
        try await base.putSecretValue(secretId, value: value, stages: stages, clientRequestToken: clientRequestToken)
    }
    public func updateSecretVersionStage(_ secretId: String, stage: String, moveToVersionId: String?, removeFromVersionId: String?) async throws(StoreError) {
        try await base.updateSecretVersionStage(secretId, stage: stage, moveToVersionId: moveToVersionId, removeFromVersionId: removeFromVersionId)
    }
    public func tagSecret(_ secretId: String, tags: [String: String]) async throws(StoreError) { try await base.tagSecret(secretId, tags: tags) }
    public func putParameter(_ name: String, value: String, secure: Bool) async throws(StoreError) { try await base.putParameter(name, value: value, secure: secure) }
}
