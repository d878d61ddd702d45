#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore
import QSLCrypto

/// The embedded local store: secrets and parameters in one encrypted file, with Secrets
/// Manager's version and staging-label semantics. The default when no AWS account is configured,
/// the role .NET's user-secrets plays in Development.
///
/// ```swift
/// let store = LocalSecretStore(path: ".qsl/local-store.json")
/// _ = try await store.createSecret(CreateSecretRequest(name: "qsl/development/jwt", value: .string(SecretValue("...")), clientRequestToken: UUID().uuidString))
/// ```
public struct LocalSecretStore: SecretStore {
    /// Where the store lives when no `--local-store` is given, relative to the working directory.
    public static let defaultPath = ".qsl/local-store.json"

    /// Versions without a staging label kept per secret, beyond those that have one.
    static let keptUnlabelledVersions = 10

    let file: LocalStoreFile

    /// - Parameters:
    ///   - path: The store file. Its key file is `path + ".key"` unless `key` is given.
    ///   - key: The base64 key, usually `QSL_LOCAL_STORE_KEY`.
    public init(path: String = LocalSecretStore.defaultPath, key: String? = nil) {
        self.file = LocalStoreFile(path: path, environmentKey: key)
    }

    /// The variable that holds the store's key: `QSL_LOCAL_STORE_KEY`.
    public static let keyVariable = "QSL_LOCAL_STORE_KEY"

    /// A store configured from the environment: `QSL_LOCAL_STORE_KEY` when set.
    public init(path: String, environment: [String: String]) {
        self.init(path: path, key: environment[Self.keyVariable])
    }

    public var storeDescription: String { "local store \(file.path)" }

    /// The store's file.
    public var path: String { file.path }

    public var storeIdentity: String {
        "local " + (file.path.hasPrefix("/") ? file.path : FileManager.default.currentDirectoryPath + "/" + file.path)
    }

    // MARK: Reading

    public func getSecrets(_ selectors: [SecretVersionSelector]) async throws(StoreError) -> SecretFetchResult {
        let contents = try file.read()
        var result = SecretFetchResult(calls: 1)
        for selector in selectors {
            do {
                result.secrets[selector] = try Self.fetch(selector, in: contents)
            } catch {
                result.failures[selector] = error
            }
        }
        return result
    }

    public func getSecret(_ selector: SecretVersionSelector) async throws(StoreError) -> StoredSecret {
        try Self.fetch(selector, in: try file.read())
    }

    public func getParameters(_ references: [ParameterReference]) async throws(StoreError) -> ParameterFetchResult {
        let contents = try file.read()
        var result = ParameterFetchResult(calls: 1)
        for reference in references {
            if let parameter = Self.parameter(reference, in: contents) {
                result.parameters[reference] = parameter
            } else {
                result.invalidNames.insert(reference)
            }
        }
        return result
    }

    public func parameterMetadata(_ references: [ParameterReference]) async throws(StoreError) -> ParameterMetadataResult {
        let contents = try file.read()
        var result = ParameterMetadataResult(calls: 1)
        for reference in references {
            if let parameter = Self.parameter(reference, in: contents) {
                result.found[reference] = ParameterMetadata(name: parameter.name, arn: parameter.arn, type: parameter.type, version: parameter.version)
            } else {
                result.missing.insert(reference)
            }
        }
        return result
    }

    public func getParameters(underPath path: String) async throws(StoreError) -> [StoredParameter] {
        let contents = try file.read()
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return contents.parameters.values
            .filter { $0.name.hasPrefix(prefix) }
            .sorted { $0.name < $1.name }
            .compactMap { Self.parameter(ParameterReference(name: $0.name), in: contents) }
    }

    public func parameterMetadata(underPath path: String) async throws(StoreError) -> [ParameterMetadata] {
        try await getParameters(underPath: path).map { ParameterMetadata(name: $0.name, arn: $0.arn, type: $0.type, version: $0.version) }
    }

    public func describeSecret(_ secretId: String) async throws(StoreError) -> SecretDescription {
        let contents = try file.read()
        return Self.describe(try Self.secret(secretId, in: contents))
    }

    public func listSecretVersions(_ secretId: String) async throws(StoreError) -> [SecretVersionInfo] {
        try Self.secret(secretId, in: try file.read()).versions.reversed().map {
            SecretVersionInfo(versionId: $0.versionId, stages: $0.stages, createdDate: $0.created)
        }
    }

    public func listSecrets(prefix: String?) async throws(StoreError) -> [SecretDescription] {
        try file.read().secrets.values
            .filter { prefix == nil || $0.name.hasPrefix(prefix!) }
            .sorted { $0.name < $1.name }
            .map(Self.describe)
    }

    // MARK: Writing

    public func createSecret(_ request: CreateSecretRequest) async throws(StoreError) -> SecretVersionRef {
        try Self.validateName(request.name)
        return try file.update { (contents: inout LocalStoreContents) throws(StoreError) -> SecretVersionRef in
            if let existing = contents.secrets[request.name] {
                // A retried create with the same token and value is the same create.
                if let version = existing.versions.first(where: { $0.versionId == request.clientRequestToken }),
                    Self.payload(of: version) == request.value
                {
                    return SecretVersionRef(arn: existing.arn, name: existing.name, versionId: version.versionId)
                }
                throw StoreError(.alreadyExists, "secret \(request.name) already exists", subject: request.name, awsCode: "ResourceExistsException")
            }
            let now = Date().timeIntervalSince1970
            let arn = "arn:aws:secretsmanager:local:000000000000:secret:\(request.name)-\(try Self.suffix())"
            var version = Self.version(request.clientRequestToken, request.value, stages: ["AWSCURRENT"], now: now)
            version.stages = ["AWSCURRENT"]
            contents.secrets[request.name] = LocalStoreContents.Secret(
                name: request.name, arn: arn, description: request.description, kmsKeyId: request.kmsKeyId,
                tags: request.tags, versions: [version], created: now, lastChanged: now, lastRotated: nil)
            return SecretVersionRef(arn: arn, name: request.name, versionId: version.versionId)
        }
    }

    public func putSecretValue(
        _ secretId: String, value: SecretPayload, stages: [String]?, clientRequestToken: String
    ) async throws(StoreError) -> SecretVersionRef {
        try file.update { (contents: inout LocalStoreContents) throws(StoreError) -> SecretVersionRef in
            var secret = try Self.secret(secretId, in: contents)
            if let existing = secret.versions.first(where: { $0.versionId == clientRequestToken }) {
                guard Self.payload(of: existing) == value else {
                    throw StoreError(
                        .alreadyExists, "client request token \(clientRequestToken) was already used for another value of secret \(secret.name)",
                        subject: secret.name, awsCode: "ResourceExistsException")
                }
                return SecretVersionRef(arn: secret.arn, name: secret.name, versionId: existing.versionId)
            }
            let now = Date().timeIntervalSince1970
            let newStages = stages ?? ["AWSCURRENT"]
            secret.versions.append(Self.version(clientRequestToken, value, stages: [], now: now))
            for stage in newStages {
                Self.attach(stage, to: clientRequestToken, in: &secret)
            }
            secret.lastChanged = now
            Self.prune(&secret)
            contents.secrets[secret.name] = secret
            return SecretVersionRef(arn: secret.arn, name: secret.name, versionId: clientRequestToken)
        }
    }

    public func updateSecretVersionStage(
        _ secretId: String, stage: String, moveToVersionId: String?, removeFromVersionId: String?
    ) async throws(StoreError) {
        try file.update { (contents: inout LocalStoreContents) throws(StoreError) in
            var secret = try Self.secret(secretId, in: contents)
            let holder = secret.versions.first { $0.stages.contains(stage) }?.versionId
            if let removeFromVersionId {
                guard holder == removeFromVersionId else {
                    throw StoreError(
                        .invalidRequest, "staging label \(stage) of secret \(secret.name) is not attached to version \(removeFromVersionId)",
                        subject: secret.name, awsCode: "InvalidParameterException")
                }
            }
            if let moveToVersionId {
                guard secret.versions.contains(where: { $0.versionId == moveToVersionId }) else {
                    throw StoreError(.notFound, "secret \(secret.name) has no version \(moveToVersionId)", subject: secret.name, awsCode: "ResourceNotFoundException")
                }
                if let holder, holder != moveToVersionId, removeFromVersionId == nil {
                    throw StoreError(
                        .invalidRequest,
                        "staging label \(stage) of secret \(secret.name) is attached to version \(holder); name it as the version to remove the label from",
                        subject: secret.name, awsCode: "InvalidParameterException")
                }
                Self.attach(stage, to: moveToVersionId, in: &secret)
            } else if let holder {
                guard stage != "AWSCURRENT" else {
                    throw StoreError(.invalidRequest, "AWSCURRENT can only be moved to another version, not removed", subject: secret.name, awsCode: "InvalidParameterException")
                }
                if let index = secret.versions.firstIndex(where: { $0.versionId == holder }) {
                    secret.versions[index].stages.removeAll { $0 == stage }
                }
            }
            // Moving a label is a change, not a rotation: as on AWS, LastRotatedDate moves only
            // with RotateSecret, which this store does not have.
            secret.lastChanged = Date().timeIntervalSince1970
            Self.prune(&secret)
            contents.secrets[secret.name] = secret
        }
    }

    public func tagSecret(_ secretId: String, tags: [String: String]) async throws(StoreError) {
        try file.update { (contents: inout LocalStoreContents) throws(StoreError) in
            var secret = try Self.secret(secretId, in: contents)
            secret.tags.merge(tags) { $1 }
            contents.secrets[secret.name] = secret
        }
    }

    public func putParameter(_ name: String, value: String, secure: Bool) async throws(StoreError) {
        guard !name.isEmpty, !name.contains(":") else {
            throw StoreError(.invalidRequest, "'\(name)' is not a valid parameter name", subject: name)
        }
        try file.update { (contents: inout LocalStoreContents) throws(StoreError) in
            var parameter = contents.parameters[name] ?? LocalStoreContents.Parameter(name: name, type: "String", values: [], labels: [:])
            parameter.type = secure ? "SecureString" : "String"
            parameter.values.append(value)
            contents.parameters[name] = parameter
        }
    }

    // MARK: Semantics shared by the operations

    static func secret(_ secretId: String, in contents: LocalStoreContents) throws(StoreError) -> LocalStoreContents.Secret {
        if let secret = contents.secrets[secretId] { return secret }
        if secretId.hasPrefix("arn:"), let secret = contents.secrets.values.first(where: { $0.arn == secretId }) { return secret }
        throw StoreError(.notFound, "secret \(secretId) does not exist in the local store", subject: secretId, awsCode: "ResourceNotFoundException")
    }

    static func fetch(_ selector: SecretVersionSelector, in contents: LocalStoreContents) throws(StoreError) -> StoredSecret {
        let secret = try secret(selector.secretId, in: contents)
        let version: LocalStoreContents.Version?
        if let versionId = selector.versionId {
            version = secret.versions.first { $0.versionId == versionId }
            if let version, let stage = selector.versionStage, !version.stages.contains(stage) {
                throw StoreError(.notFound, "version \(versionId) of secret \(secret.name) does not have staging label \(stage)", subject: secret.name, awsCode: "ResourceNotFoundException")
            }
        } else {
            let stage = selector.versionStage ?? "AWSCURRENT"
            version = secret.versions.first { $0.stages.contains(stage) }
        }
        guard let version else {
            throw StoreError(.notFound, "secret \(selector) has no such version in the local store", subject: secret.name, awsCode: "ResourceNotFoundException")
        }
        return StoredSecret(arn: secret.arn, name: secret.name, versionId: version.versionId, stages: version.stages, payload: payload(of: version))
    }

    static func parameter(_ reference: ParameterReference, in contents: LocalStoreContents) -> StoredParameter? {
        guard let parameter = contents.parameters[reference.name], !parameter.values.isEmpty else { return nil }
        var version = parameter.values.count
        if let selector = reference.selector {
            if let number = Int(selector) {
                version = number
            } else if let labelled = parameter.labels[selector] {
                version = labelled
            } else {
                return nil
            }
        }
        guard version >= 1, version <= parameter.values.count else { return nil }
        return StoredParameter(
            name: parameter.name, arn: "arn:aws:ssm:local:000000000000:parameter\(parameter.name.hasPrefix("/") ? "" : "/")\(parameter.name)",
            type: parameter.type, version: version, value: SecretValue(parameter.values[version - 1]))
    }

    static func describe(_ secret: LocalStoreContents.Secret) -> SecretDescription {
        var versions: [String: [String]] = [:]
        for version in secret.versions where !version.stages.isEmpty { versions[version.versionId] = version.stages }
        return SecretDescription(
            arn: secret.arn, name: secret.name, description: secret.description, kmsKeyId: secret.kmsKeyId, tags: secret.tags,
            versions: versions, createdDate: secret.created, lastChangedDate: secret.lastChanged, lastRotatedDate: secret.lastRotated)
    }

    /// Attaches `stage` to `versionId`, removing it from the version that held it. Moving
    /// `AWSCURRENT` makes the version that held it `AWSPREVIOUS`, as Secrets Manager does.
    static func attach(_ stage: String, to versionId: String, in secret: inout LocalStoreContents.Secret) {
        let previousHolder = secret.versions.firstIndex { $0.stages.contains(stage) }
        if let previousHolder, secret.versions[previousHolder].versionId == versionId { return }
        if let previousHolder { secret.versions[previousHolder].stages.removeAll { $0 == stage } }
        if stage == "AWSCURRENT", let previousHolder {
            for index in secret.versions.indices { secret.versions[index].stages.removeAll { $0 == "AWSPREVIOUS" } }
            secret.versions[previousHolder].stages.append("AWSPREVIOUS")
        }
        if let target = secret.versions.firstIndex(where: { $0.versionId == versionId }) {
            secret.versions[target].stages.removeAll { $0 == "AWSPREVIOUS" && stage == "AWSCURRENT" }
            secret.versions[target].stages.append(stage)
        }
    }

    static func prune(_ secret: inout LocalStoreContents.Secret) {
        var unlabelled = secret.versions.filter { $0.stages.isEmpty }.count
        secret.versions.removeAll { version in
            guard version.stages.isEmpty, unlabelled > keptUnlabelledVersions else { return false }
            unlabelled -= 1
            return true
        }
    }

    static func version(_ versionId: String, _ payload: SecretPayload, stages: [String], now: Double) -> LocalStoreContents.Version {
        switch payload {
        case .string(let value):
            LocalStoreContents.Version(versionId: versionId, stages: stages, string: value.unsafeRevealed, binary: nil, created: now)
        case .binary(let bytes):
            LocalStoreContents.Version(versionId: versionId, stages: stages, string: nil, binary: Data(bytes).base64EncodedString(), created: now)
        }
    }

    static func payload(of version: LocalStoreContents.Version) -> SecretPayload {
        if let binary = version.binary, let data = Data(base64Encoded: binary) { return .binary(Array(data)) }
        return .string(SecretValue(version.string ?? ""))
    }

    static func validateName(_ name: String) throws(StoreError) {
        guard !name.isEmpty, name.count <= 512, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+=.@-".contains($0)) }) else {
            throw StoreError(.invalidRequest, "'\(name)' is not a valid secret name (1 to 512 of letters, digits and /_+=.@-)", subject: name, awsCode: "InvalidParameterException")
        }
    }

    /// The six random characters Secrets Manager appends to a secret's ARN.
    static func suffix() throws(StoreError) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        do {
            return String(try Crypto.randomBytes(6).map { alphabet[Int($0) % alphabet.count] })
        } catch {
            throw StoreError(.unavailable, "no random bytes for the secret's ARN: \(error)")
        }
    }
}
