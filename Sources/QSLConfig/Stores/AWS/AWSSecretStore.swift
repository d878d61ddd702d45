#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OrderedCollections
import QSLConfigAWS
import QSLConfigCore

/// Secrets Manager for secrets and Parameter Store for parameters.
///
/// Batch reads use the fewest calls the APIs allow: `BatchGetSecretValue` with at most 20
/// secrets a call for current versions (a pinned stage or version id needs its own
/// `GetSecretValue`, since the batch call reads only `AWSCURRENT`), and `GetParameters` with at
/// most 10 names a call, decrypted (see ``parameterBatches(_:)`` for one name asked at several
/// versions). All calls of a batch run concurrently. Passes `SecretStoreCompatSuite` against
/// moto_server.
///
/// One moto difference to know when testing rotations: after `UpdateSecretVersionStage` moves
/// `AWSCURRENT`, moto's `BatchGetSecretValue` still returns the version that was current
/// before; Secrets Manager returns the new one. Single reads here name `AWSCURRENT` explicitly,
/// which both get right.
///
/// ```swift
/// let store = try AWSSecretStore(context: AWSContext(region: "us-east-1"))
/// ```
public struct AWSSecretStore: SecretStore {
    public static let secretsPerBatch = 20
    public static let parametersPerBatch = 10

    public let context: AWSContext
    let secrets: SecretsManagerClient
    let ssm: SSMClient

    public init(context: AWSContext) {
        self.context = context
        self.secrets = SecretsManagerClient(context: context)
        self.ssm = SSMClient(context: context)
    }

    public var storeDescription: String { "AWS (\(context.region ?? "no region"))" }

    /// The profile, region and endpoints, as the context prints them (never a credential).
    public var storeIdentity: String { "aws \(context)" }

    // MARK: Reading

    public func getSecrets(_ selectors: [SecretVersionSelector]) async throws(StoreError) -> SecretFetchResult {
        // BatchGetSecretValue reads AWSCURRENT only; every other version needs its own call.
        let isCurrent = { (selector: SecretVersionSelector) in selector.versionId == nil && (selector.versionStage ?? "AWSCURRENT") == "AWSCURRENT" }
        let current = selectors.filter(isCurrent)
        let pinned = selectors.filter { !isCurrent($0) }
        let batches = stride(from: 0, to: current.count, by: Self.secretsPerBatch).map {
            Array(current[$0..<min($0 + Self.secretsPerBatch, current.count)])
        }
        let secrets = self.secrets
        do {
            return try await withThrowingTaskGroup(of: SecretFetchResult.self) { group in
                for batch in batches {
                    group.addTask { try await Self.fetchBatch(batch, secrets: secrets) }
                }
                for selector in pinned {
                    group.addTask {
                        var result = SecretFetchResult(calls: 1)
                        do {
                            let output = try await secrets.getSecretValue(
                                .init(secretId: selector.secretId, versionId: selector.versionId, versionStage: selector.versionStage))
                            result.secrets[selector] = try Self.stored(output, requested: selector.secretId)
                        } catch let error as AWSError {
                            let failure = Self.storeError(error, subject: selector.secretId)
                            // A missing secret or version is the caller's to report; the store failing is not.
                            guard !failure.isStoreFailure || failure.code == .accessDenied else { throw failure }
                            result.failures[selector] = failure
                        } catch let error as StoreError {
                            result.failures[selector] = error  // a value that cannot be decoded
                        }
                        return result
                    }
                }
                var combined = SecretFetchResult()
                for try await partial in group {
                    combined.secrets.merge(partial.secrets) { $1 }
                    combined.failures.merge(partial.failures) { $1 }
                    combined.calls += partial.calls
                }
                return combined
            }
        } catch {
            // Credentials set up in a way that cannot work are bad input here as on every path.
            throw Self.storeError(error, subject: nil)
        }
    }

    static func fetchBatch(_ batch: [SecretVersionSelector], secrets: SecretsManagerClient) async throws -> SecretFetchResult {
        let output = try await secrets.batchGetAllSecretValues(.init(secretIdList: batch.map(\.secretId)))
        var result = SecretFetchResult(calls: 1)
        for selector in batch {
            let id = selector.secretId
            // An exact name or ARN first: a name that itself ends like a suffix (`app/db-AbCdEf`)
            // must not give way to a longer one.
            let match =
                output.secretValues.first { $0.name == id || $0.arn == id }
                ?? output.secretValues.first { $0.arn.map { Self.arn($0, isRequested: id) } ?? false }
            if let match {
                // A value that cannot be decoded is this secret's failure, not the batch's.
                do { result.secrets[selector] = try Self.stored(match, requested: id) } catch { result.failures[selector] = error }
                continue
            }
            // Secrets Manager answers every name of the list, with its value or an error (a
            // missing secret's is ResourceNotFoundException): one it passes over is a reply of
            // another kind of endpoint, not a missing secret.
            guard let error = output.errors.first(where: { $0.secretId == id || (id.hasPrefix("arn:") && $0.secretId.map { Self.arn(id, isRequested: $0) } == true) }) else {
                result.failures[selector] = malformed("BatchGetSecretValue", subject: id, missing: "value or error for the secret")
                continue
            }
            let code = error.errorCode ?? "ResourceNotFoundException"
            let message = code == "ResourceNotFoundException"
                ? "secret \(id) does not exist in Secrets Manager"
                : "secret \(id) could not be read: \(code)\(error.message.map { ": \($0)" } ?? "")"
            result.failures[selector] = StoreError(Self.code(for: code, status: nil), message, subject: id, awsCode: code)
        }
        return result
    }

    /// Whether the secret whose full ARN is `arn` is the one `requested` names: that ARN, or it
    /// without its suffix (a partial ARN), which Secrets Manager makes a `-` and six characters.
    /// A plain prefix test would also take `qsl/db-replica`'s ARN for a partial `qsl/db`.
    public static func arn(_ arn: String, isRequested requested: String) -> Bool {
        arn == requested || (arn.utf8.count == requested.utf8.count + 7 && arn.hasPrefix(requested + "-"))
    }

    public func getSecret(_ selector: SecretVersionSelector) async throws(StoreError) -> StoredSecret {
        // An unpinned read names AWSCURRENT explicitly. Secrets Manager reads AWSCURRENT either
        // way; moto, without the stage, keeps returning the version that was current before an
        // UpdateSecretVersionStage moved the label.
        let stage = selector.versionId == nil ? (selector.versionStage ?? "AWSCURRENT") : selector.versionStage
        do {
            let output = try await secrets.getSecretValue(.init(secretId: selector.secretId, versionId: selector.versionId, versionStage: stage))
            return try Self.stored(output, requested: selector.secretId)
        } catch {
            throw Self.storeError(error, subject: selector.secretId)
        }
    }

    public func getParameters(_ references: [ParameterReference]) async throws(StoreError) -> ParameterFetchResult {
        let fetched = try await fetchParameters(references, withDecryption: true)
        return ParameterFetchResult(parameters: fetched.found.mapValues(Self.stored), invalidNames: fetched.missing, calls: fetched.calls)
    }

    public func parameterMetadata(_ references: [ParameterReference]) async throws(StoreError) -> ParameterMetadataResult {
        // WithDecryption false: a SecureString comes back as ciphertext, and even that is dropped
        // here; only names, types and versions are kept.
        let fetched = try await fetchParameters(references, withDecryption: false)
        var result = ParameterMetadataResult(calls: fetched.calls)
        result.missing = fetched.missing
        result.found = fetched.found.mapValues { parameter in
            ParameterMetadata(name: parameter.name, arn: parameter.arn, type: parameter.type?.rawValue ?? "String", version: parameter.version ?? 1)
        }
        return result
    }

    /// `GetParameters` over `references`, in ``parameterBatches(_:)`` (at most 10 names a call,
    /// one name at most once a call), the calls running concurrently; each reference gets its
    /// parameter or is missing.
    private func fetchParameters(
        _ references: [ParameterReference], withDecryption: Bool
    ) async throws(StoreError) -> (found: [ParameterReference: SSMClient.Parameter], missing: Set<ParameterReference>, calls: Int) {
        typealias Partial = (found: [ParameterReference: SSMClient.Parameter], missing: Set<ParameterReference>)
        let batches = Self.parameterBatches(references)
        let ssm = self.ssm
        do {
            return try await withThrowingTaskGroup(of: Partial.self) { group in
                for batch in batches {
                    group.addTask {
                        let output = try await ssm.getParameters(names: batch.map(\.requestName), withDecryption: withDecryption)
                        let invalid = Set(output.invalidParameters)
                        var partial: Partial = ([:], [])
                        for reference in batch {
                            if !invalid.contains(reference.requestName),
                                let parameter = output.parameters.first(where: { $0.name == reference.name || $0.arn == reference.name })
                            {
                                partial.found[reference] = parameter
                            } else if invalid.contains(reference.requestName) {
                                partial.missing.insert(reference)
                            } else {
                                // Parameter Store answers every name, as a parameter or as invalid:
                                // one it passes over is a reply of another kind of endpoint.
                                throw Self.malformed("GetParameters", subject: reference.requestName, missing: "parameter or InvalidParameters entry", service: "AWS Systems Manager")
                            }
                        }
                        return partial
                    }
                }
                var combined: (found: [ParameterReference: SSMClient.Parameter], missing: Set<ParameterReference>, calls: Int) = ([:], [], 0)
                for try await partial in group {
                    combined.found.merge(partial.found) { $1 }
                    combined.missing.formUnion(partial.missing)
                    combined.calls += 1
                }
                return combined
            }
        } catch {
            throw Self.storeError(error, subject: nil)
        }
    }

    public func getParameters(underPath path: String) async throws(StoreError) -> [StoredParameter] {
        do {
            let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            return try await ssm.getAllParametersByPath(.init(path: trimmed, recursive: true, withDecryption: true)).map(Self.stored)
        } catch {
            throw Self.storeError(error, subject: path, naming: "parameters under")
        }
    }

    public func parameterMetadata(underPath path: String) async throws(StoreError) -> [ParameterMetadata] {
        do {
            let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            // WithDecryption false: a SecureString comes back as ciphertext (moto: the value
            // behind a marker), and even that is dropped here; only names, types and versions stay.
            return try await ssm.getAllParametersByPath(.init(path: trimmed, recursive: true, withDecryption: false)).map { parameter in
                ParameterMetadata(name: parameter.name, arn: parameter.arn, type: parameter.type?.rawValue ?? "String", version: parameter.version ?? 1)
            }
        } catch {
            throw Self.storeError(error, subject: path, naming: "parameters under")
        }
    }

    public func describeSecret(_ secretId: String) async throws(StoreError) -> SecretDescription {
        do {
            let output = try await secrets.describeSecret(secretId: secretId)
            guard output.arn != nil, output.name != nil else { throw Self.malformed("DescribeSecret", subject: secretId, missing: "ARN and Name") }
            return Self.description(output)
        } catch {
            throw Self.storeError(error, subject: secretId)
        }
    }

    public func listSecretVersions(_ secretId: String) async throws(StoreError) -> [SecretVersionInfo] {
        do {
            return try await secrets.listAllSecretVersionIds(.init(secretId: secretId, includeDeprecated: true)).compactMap { entry in
                entry.versionId.map { SecretVersionInfo(versionId: $0, stages: entry.versionStages, createdDate: entry.createdDate?.timeIntervalSince1970) }
            }
        } catch {
            throw Self.storeError(error, subject: secretId)
        }
    }

    public func listSecrets(prefix: String?) async throws(StoreError) -> [SecretDescription] {
        do {
            let filters = prefix.map { [SecretsManagerClient.Filter(key: "name", values: [$0])] }
            return try await secrets.listAllSecrets(.init(filters: filters))
                .map(Self.description)
                .filter { prefix == nil || $0.name.hasPrefix(prefix!) }
                .sorted { $0.name < $1.name }
        } catch {
            throw Self.storeError(error, subject: prefix, naming: "secrets starting with")
        }
    }

    // MARK: Writing

    public func createSecret(_ request: CreateSecretRequest) async throws(StoreError) -> SecretVersionRef {
        let (string, binary) = Self.wire(request.value)
        do {
            let output = try await secrets.createSecret(
                .init(
                    name: request.name, secretString: string, secretBinary: binary, description: request.description,
                    kmsKeyId: request.kmsKeyId, tags: request.tags.isEmpty ? nil : Self.tags(request.tags),
                    clientRequestToken: request.clientRequestToken))
            guard let arn = output.arn, let versionId = output.versionId else { throw Self.malformed("CreateSecret", subject: request.name, missing: "ARN and VersionId") }
            return SecretVersionRef(arn: arn, name: output.name ?? request.name, versionId: versionId)
        } catch {
            throw Self.storeError(error, subject: request.name)
        }
    }

    public func putSecretValue(
        _ secretId: String, value: SecretPayload, stages: [String]?, clientRequestToken: String
    ) async throws(StoreError) -> SecretVersionRef {
        let (string, binary) = Self.wire(value)
        do {
            let output = try await secrets.putSecretValue(
                .init(secretId: secretId, secretString: string, secretBinary: binary, versionStages: stages, clientRequestToken: clientRequestToken))
            guard let arn = output.arn, let versionId = output.versionId else { throw Self.malformed("PutSecretValue", subject: secretId, missing: "ARN and VersionId") }
            return SecretVersionRef(arn: arn, name: output.name ?? secretId, versionId: versionId)
        } catch {
            throw Self.storeError(error, subject: secretId)
        }
    }

    public func updateSecretVersionStage(
        _ secretId: String, stage: String, moveToVersionId: String?, removeFromVersionId: String?
    ) async throws(StoreError) {
        do {
            _ = try await secrets.updateSecretVersionStage(
                .init(secretId: secretId, versionStage: stage, removeFromVersionId: removeFromVersionId, moveToVersionId: moveToVersionId))
        } catch {
            throw Self.storeError(error, subject: secretId)
        }
    }

    public func tagSecret(_ secretId: String, tags: [String: String]) async throws(StoreError) {
        do {
            try await secrets.tagResource(secretId: secretId, tags: Self.tags(tags))
        } catch {
            throw Self.storeError(error, subject: secretId)
        }
    }

    public func putParameter(_ name: String, value: String, secure: Bool) async throws(StoreError) {
        do {
            _ = try await ssm.putParameter(.init(name: name, value: SecretValue(value), type: secure ? .secureString : .string, overwrite: true))
        } catch {
            throw Self.storeError(error, subject: name, naming: "parameter")
        }
    }

    /// Splits references into `GetParameters` calls of at most ``parametersPerBatch`` names, no
    /// parameter name twice in one call: the response names a parameter without the version or
    /// label it was asked at (moto omits `Selector`), so two selectors of one name in one call
    /// could not be told apart. That takes `max(ceil(n / 10), most selectors of one name)` calls,
    /// which is `ceil(n / 10)` unless one name is asked at more selectors than that.
    static func parameterBatches(_ references: [ParameterReference]) -> [[ParameterReference]] {
        guard !references.isEmpty else { return [] }
        var groups: OrderedDictionary<String, [ParameterReference]> = [:]
        for reference in references { groups[reference.name, default: []].append(reference) }
        let count = max((references.count + parametersPerBatch - 1) / parametersPerBatch, groups.values.map(\.count).max() ?? 1)
        // Dealing the references out in name order puts a name's (at most `count`) selectors in
        // distinct calls, and no call gets more than ceil(n / count) <= 10 names.
        var batches = Array(repeating: [ParameterReference](), count: count)
        for (index, reference) in groups.values.joined().enumerated() { batches[index % count].append(reference) }
        return batches
    }

    // MARK: Mapping

    static func stored(_ output: SecretsManagerClient.GetSecretValueOutput, requested: String) throws(StoreError) -> StoredSecret {
        let payload: SecretPayload
        if let string = output.secretString {
            payload = .string(string)
        } else if let binary = output.secretBinary {
            guard let bytes = Data(base64Encoded: binary.unsafeRevealed) else {
                throw StoreError(.unavailable, "secret \(requested) came back with SecretBinary that is not base64", subject: requested)
            }
            payload = .binary(Array(bytes))
        } else {
            // Secrets Manager always returns one of the two: a reply without either (an endpoint
            // that is not Secrets Manager, answering 200 with an empty body) is no value.
            throw malformed("GetSecretValue", subject: requested, missing: "SecretString or SecretBinary")
        }
        guard let versionId = output.versionId else { throw malformed("GetSecretValue", subject: requested, missing: "VersionId") }
        return StoredSecret(
            arn: output.arn ?? requested, name: output.name ?? requested, versionId: versionId,
            stages: output.versionStages, payload: payload)
    }

    /// A reply of `operation` that lacks what the operation always returns (`missing`): the
    /// endpoint is not answering as AWS does. A store failure, naming the subject, never a value.
    static func malformed(_ operation: String, subject: String, missing: String, service: String = "AWS Secrets Manager") -> StoreError {
        StoreError(
            .unavailable,
            "the store's reply to \(operation) for \(subject) holds no \(missing), which AWS always returns; check that the endpoint is \(service)",
            subject: subject)
    }

    static func stored(_ parameter: SSMClient.Parameter) -> StoredParameter {
        StoredParameter(
            name: parameter.name, arn: parameter.arn, type: parameter.type?.rawValue ?? "String", version: parameter.version ?? 1,
            value: parameter.value)
    }

    static func description(_ output: SecretsManagerClient.DescribeSecretOutput) -> SecretDescription {
        SecretDescription(
            arn: output.arn ?? "", name: output.name ?? "", description: output.description, kmsKeyId: output.kmsKeyId,
            tags: Dictionary(output.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
            // Only labelled versions, as Secrets Manager documents VersionIdsToStages (moto also
            // lists versions whose labels have all moved away, with no stages).
            versions: output.versionIdsToStages.filter { !$0.value.isEmpty }, createdDate: output.createdDate?.timeIntervalSince1970,
            lastChangedDate: output.lastChangedDate?.timeIntervalSince1970, lastRotatedDate: output.lastRotatedDate?.timeIntervalSince1970)
    }

    static func tags(_ tags: [String: String]) -> [SecretsManagerClient.Tag] {
        tags.sorted { $0.key < $1.key }.map { SecretsManagerClient.Tag(key: $0.key, value: $0.value) }
    }

    static func wire(_ payload: SecretPayload) -> (SecretValue?, SecretValue?) {
        switch payload {
        case .string(let value): (value, nil)
        case .binary(let bytes): (nil, SecretValue(Data(bytes).base64EncodedString()))
        }
    }

    static func code(for awsCode: String?, status: Int?) -> StoreError.Code {
        switch awsCode {
        case "ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound": .notFound
        case "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
            "SignatureDoesNotMatch", "ExpiredTokenException", "ExpiredToken", "InvalidClientTokenId":
            .accessDenied
        case "ResourceExistsException", "ParameterAlreadyExists": .alreadyExists
        case "InvalidParameterException", "InvalidRequestException", "ValidationException", "MalformedPolicyDocumentException":
            .invalidRequest
        // KMS refusing the environment's key (most often: no kms:Decrypt for this identity) or a
        // quota of the account: the store cannot serve the request, whatever the input.
        case "EncryptionFailure", "DecryptionFailure", "KMSAccessDeniedException": .accessDenied
        case "LimitExceededException": .unavailable
        default: status == 403 ? .accessDenied : .unavailable
        }
    }

    /// The store error for a failed call, naming what it was about: `secret NAME: <AWS error>`.
    static func storeError(_ error: any Error, subject: String?, naming noun: String = "secret") -> StoreError {
        if let error = error as? StoreError { return error }
        let about = subject.map { "\(noun) \($0): " } ?? ""
        if let error = error as? AWSCredentialsError, error.kind == .misconfigured {
            // Credentials configured in a way that cannot work are bad input, like a bad endpoint URL.
            return StoreError(.invalidRequest, "\(about)\(error)", subject: subject)
        }
        guard let error = error as? AWSError else {
            return StoreError(.unavailable, "\(about)\(error)", subject: subject)
        }
        return StoreError(code(for: error.awsErrorCode, status: error.httpStatus), about + error.description, subject: subject, awsCode: error.awsErrorCode)
    }
}
