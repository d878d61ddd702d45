import Foundation
import QSLConfig
import QSLConfigCore
import Testing

/// The behaviour every ``SecretStore`` must share: Secrets Manager's versions and staging
/// labels, idempotent writes, batch reads that report what is missing, and parameters with
/// versions. Run it against each implementation (the local store, AWS backed by moto_server).
///
/// ```swift
/// @Test func localStorePassesTheCompatSuite() async throws {
///     try await SecretStoreCompatSuite(store: LocalSecretStore(path: path, key: key)).run()
/// }
/// ```
public struct SecretStoreCompatSuite: Sendable {
    /// A documented way a store's test double differs from AWS. Each one skips exactly the
    /// assertion it names, for the run that declares it; the local store declares none, so it
    /// proves every behaviour.
    public enum KnownGap: String, Sendable, Hashable, CaseIterable {
        /// moto 5: `BatchGetSecretValue` (and `GetSecretValue` without a stage) keeps returning
        /// the version that was `AWSCURRENT` before `UpdateSecretVersionStage` moved the label
        /// (moto serves its `default_version_id`, which only `PutSecretValue` updates). Secrets
        /// Manager returns the new `AWSCURRENT`.
        case batchReadStaleAfterLabelMove
        /// moto 5: `PutSecretValue` reusing the client request token of a version that holds
        /// `AWSPENDING` with a different value overwrites that version in place (moto skips its
        /// same-value check for `AWSPENDING` versions). Secrets Manager refuses it with
        /// `ResourceExistsException`: a version is never modified.
        case pendingTokenReuseOverwrites
    }

    public let store: any SecretStore
    /// Prefix for every secret and parameter the suite creates, so runs never collide.
    public let prefix: String
    /// Where this store's double is known to differ from AWS; see ``KnownGap``.
    public let knownGaps: Set<KnownGap>

    public init(store: any SecretStore, prefix: String = "compat/\(UUID().uuidString.prefix(8))", knownGaps: Set<KnownGap> = []) {
        self.store = store
        self.prefix = prefix
        self.knownGaps = knownGaps
    }

    /// Every check, in order. Failures are recorded as test issues naming the check.
    public func run() async throws {
        try await versionsAndStages()
        try await idempotentWrites()
        try await pendingVersionPromotion()
        try await leftoverPendingPromotion()
        try await retriedStagedWrites()
        try await staleRemoveFromRefused()
        try await versionListing()
        try await batchReadsReportMissing()
        try await payloadKinds()
        try await metadataAndListing()
        try await parameters()
    }

    func token() -> String { UUID().uuidString }

    func text(_ secret: StoredSecret) -> String? {
        if case .string(let value) = secret.payload { return value.unsafeRevealed }
        return nil
    }

    /// Create, read, new version becomes AWSCURRENT and the old one AWSPREVIOUS, reads by stage
    /// and by version id.
    public func versionsAndStages() async throws {
        let name = "\(prefix)/stages"
        let first = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("v1")), tags: ["owner": "compat"], clientRequestToken: token()))
        #expect(first.name == name)
        #expect(first.arn.hasPrefix("arn:"))
        let current = try await store.getSecret(SecretVersionSelector(secretId: name))
        #expect(text(current) == "v1")
        #expect(current.versionId == first.versionId)
        #expect(current.stages.contains("AWSCURRENT"))

        let second = try await store.putSecretValue(name, value: .string(SecretValue("v2")), stages: nil, clientRequestToken: token())
        #expect(second.versionId != first.versionId)
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name))) == "v2")
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name, versionStage: "AWSPREVIOUS"))) == "v1")
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name, versionId: first.versionId))) == "v1")
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: first.arn))) == "v2", "reads by ARN")

        let description = try await store.describeSecret(name)
        #expect(description.versionId(forStage: "AWSCURRENT") == second.versionId)
        #expect(description.versionId(forStage: "AWSPREVIOUS") == first.versionId)

        await expectStoreError(.alreadyExists, "creating an existing secret") {
            _ = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("x")), clientRequestToken: token()))
        }
        await expectStoreError(.notFound, "reading a missing secret") {
            _ = try await store.getSecret(SecretVersionSelector(secretId: "\(prefix)/does-not-exist"))
        }
        await expectStoreError(.notFound, "reading a missing stage") {
            _ = try await store.getSecret(SecretVersionSelector(secretId: name, versionStage: "NOSUCHSTAGE"))
        }
    }

    /// A write retried with the same client request token creates no second version.
    public func idempotentWrites() async throws {
        let name = "\(prefix)/idempotent"
        _ = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("a")), clientRequestToken: token()))
        let retryToken = token()
        let once = try await store.putSecretValue(name, value: .string(SecretValue("b")), stages: nil, clientRequestToken: retryToken)
        let twice = try await store.putSecretValue(name, value: .string(SecretValue("b")), stages: nil, clientRequestToken: retryToken)
        #expect(once.versionId == twice.versionId)
        let description = try await store.describeSecret(name)
        #expect(description.versions.count == 2, "one AWSCURRENT and one AWSPREVIOUS version, nothing more: \(description.versions)")
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name, versionStage: "AWSPREVIOUS"))) == "a")
    }

    /// The rotation protocol's moves: stage AWSPENDING, promote it to AWSCURRENT, drop AWSPENDING.
    public func pendingVersionPromotion() async throws {
        let name = "\(prefix)/rotation"
        let original = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("old")), clientRequestToken: token()))
        let pending = try await store.putSecretValue(name, value: .string(SecretValue("new")), stages: ["AWSPENDING"], clientRequestToken: token())
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name))) == "old", "AWSPENDING does not move AWSCURRENT")
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name, versionStage: "AWSPENDING"))) == "new")

        await expectStoreError(.invalidRequest, "moving AWSCURRENT without naming the version that holds it") {
            try await store.updateSecretVersionStage(name, stage: "AWSCURRENT", moveToVersionId: pending.versionId, removeFromVersionId: nil)
        }
        try await store.updateSecretVersionStage(name, stage: "AWSCURRENT", moveToVersionId: pending.versionId, removeFromVersionId: original.versionId)
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name))) == "new")
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name, versionStage: "AWSPREVIOUS"))) == "old")
        try await store.updateSecretVersionStage(name, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: pending.versionId)
        let description = try await store.describeSecret(name)
        #expect(description.versionId(forStage: "AWSPENDING") == nil)
        #expect(description.versionId(forStage: "AWSCURRENT") == pending.versionId)
        #expect(description.versionId(forStage: "AWSPREVIOUS") == original.versionId)
    }

    /// Every version's labels, from ``SecretStore/listSecretVersions(_:)``.
    func labels(_ name: String) async throws -> [String: Set<String>] {
        Dictionary(try await store.listSecretVersions(name).map { ($0.versionId, Set($0.stages)) }, uniquingKeysWith: { $0.union($1) })
    }

    /// What a rotation resumed after a crash does: finds the `AWSPENDING` an earlier run staged
    /// (by listing and by describing), reads it by stage, promotes it with `RemoveFromVersionId`
    /// naming the current holder, then drops `AWSPENDING`. Afterwards exactly `AWSCURRENT` is on
    /// the promoted version, `AWSPREVIOUS` on the one it replaced, and `AWSPENDING` nowhere. A
    /// label move is not a rotation: `LastRotatedDate` does not change.
    public func leftoverPendingPromotion() async throws {
        let name = "\(prefix)/leftover-pending"
        let oldest = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("v1")), clientRequestToken: token()))
        let current = try await store.putSecretValue(name, value: .string(SecretValue("v2")), stages: nil, clientRequestToken: token())
        let pending = try await store.putSecretValue(name, value: .string(SecretValue("v3")), stages: ["AWSPENDING"], clientRequestToken: token())
        let before = try await store.describeSecret(name)

        // Found again, as a later run would find it.
        let listed = try await labels(name)
        #expect(listed[pending.versionId] == ["AWSPENDING"], "the leftover is listed with its label: \(listed)")
        #expect(listed[current.versionId] == ["AWSCURRENT"])
        #expect(listed[oldest.versionId] == ["AWSPREVIOUS"])
        #expect(before.versionId(forStage: "AWSPENDING") == pending.versionId)
        let staged = try await store.getSecret(SecretVersionSelector(secretId: name, versionStage: "AWSPENDING"))
        #expect(text(staged) == "v3")
        #expect(staged.versionId == pending.versionId)
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name))) == "v2", "a staged put leaves AWSCURRENT where it was")

        try await store.updateSecretVersionStage(name, stage: "AWSCURRENT", moveToVersionId: pending.versionId, removeFromVersionId: current.versionId)
        try await store.updateSecretVersionStage(name, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: pending.versionId)

        let after = try await labels(name)
        #expect(after[pending.versionId] == ["AWSCURRENT"], "exactly AWSCURRENT on the promoted version: \(after)")
        #expect(after[current.versionId] == ["AWSPREVIOUS"], "exactly AWSPREVIOUS on the version it replaced: \(after)")
        #expect(after[oldest.versionId] == [], "the older AWSPREVIOUS moved on: \(after)")
        #expect(!after.values.contains { $0.contains("AWSPENDING") }, "no AWSPENDING anywhere: \(after)")
        let described = try await store.describeSecret(name)
        #expect(described.versions.mapValues(Set.init) == [pending.versionId: ["AWSCURRENT"], current.versionId: ["AWSPREVIOUS"]])
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name))) == "v3")
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name, versionStage: "AWSPREVIOUS"))) == "v2")
        if !knownGaps.contains(.batchReadStaleAfterLabelMove) {
            let selector = SecretVersionSelector(secretId: name)
            let batch = try await store.getSecrets([selector])
            #expect(batch.secrets[selector].flatMap(text) == "v3", "a batch read after the move returns the new AWSCURRENT")
        }
        #expect(described.lastRotatedDate == before.lastRotatedDate, "moving labels is not a rotation: LastRotatedDate stays")
        #expect(described.lastRotatedDate == nil, "nothing here called RotateSecret")
    }

    /// A staged put retried with its client request token (the step after a timeout) creates
    /// no second version; the same token with another value is refused and changes nothing.
    public func retriedStagedWrites() async throws {
        let name = "\(prefix)/retried-pending"
        let original = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("current")), clientRequestToken: token()))
        let retryToken = token()
        let once = try await store.putSecretValue(name, value: .string(SecretValue("pending")), stages: ["AWSPENDING"], clientRequestToken: retryToken)
        let twice = try await store.putSecretValue(name, value: .string(SecretValue("pending")), stages: ["AWSPENDING"], clientRequestToken: retryToken)
        #expect(once.versionId == twice.versionId)
        let expected: [String: Set<String>] = [original.versionId: ["AWSCURRENT"], once.versionId: ["AWSPENDING"]]
        #expect(try await labels(name) == expected, "one version per token")

        if !knownGaps.contains(.pendingTokenReuseOverwrites) {
            await expectFailure("reusing a client request token for another value") {
                _ = try await store.putSecretValue(name, value: .string(SecretValue("other")), stages: ["AWSPENDING"], clientRequestToken: retryToken)
            }
            #expect(try await labels(name) == expected, "a refused put changes no label")
            #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name, versionStage: "AWSPENDING"))) == "pending", "nor any value")
        }
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name))) == "current")
    }

    /// `RemoveFromVersionId` is a compare-and-set: naming a version that does not hold the label
    /// (what a rotation racing another one would have read) fails and moves nothing.
    public func staleRemoveFromRefused() async throws {
        let name = "\(prefix)/stale-remove-from"
        let oldest = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("1")), clientRequestToken: token()))
        let current = try await store.putSecretValue(name, value: .string(SecretValue("2")), stages: nil, clientRequestToken: token())
        let pending = try await store.putSecretValue(name, value: .string(SecretValue("3")), stages: ["AWSPENDING"], clientRequestToken: token())
        let before = try await labels(name)
        let describedBefore = try await store.describeSecret(name)
        for stale in [oldest.versionId, pending.versionId] {
            await expectFailure("moving AWSCURRENT with RemoveFromVersionId naming \(stale == oldest.versionId ? "AWSPREVIOUS" : "AWSPENDING"), not its holder") {
                try await store.updateSecretVersionStage(name, stage: "AWSCURRENT", moveToVersionId: pending.versionId, removeFromVersionId: stale)
            }
        }
        #expect(try await labels(name) == before, "a refused move changes no label")
        #expect(try await store.describeSecret(name).versions == describedBefore.versions)
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: name))) == "2")
        #expect(before[current.versionId] == ["AWSCURRENT"])
    }

    /// Listing versions shows every kept version with its labels, the one no label points at
    /// any more included.
    public func versionListing() async throws {
        let name = "\(prefix)/versions"
        let first = try await store.createSecret(CreateSecretRequest(name: name, value: .string(SecretValue("1")), clientRequestToken: token()))
        let second = try await store.putSecretValue(name, value: .string(SecretValue("2")), stages: nil, clientRequestToken: token())
        let third = try await store.putSecretValue(name, value: .string(SecretValue("3")), stages: nil, clientRequestToken: token())
        let versions = try await store.listSecretVersions(name)
        let stages = Dictionary(versions.map { ($0.versionId, Set($0.stages)) }, uniquingKeysWith: { $1 })
        #expect(versions.count == 3, "\(versions)")
        #expect(stages[first.versionId] == [], "the oldest version has lost every label")
        #expect(stages[second.versionId] == ["AWSPREVIOUS"])
        #expect(stages[third.versionId] == ["AWSCURRENT"])
        let described = try await store.describeSecret(name)
        #expect(described.versions[first.versionId] == nil, "describe lists only labelled versions")
        // Listing a missing secret's versions is not checked here: moto 5 answers it with HTTP 500
        // (a KeyError) where Secrets Manager says ResourceNotFoundException.
    }

    /// A batch read returns what exists and says why each other one is missing.
    public func batchReadsReportMissing() async throws {
        let a = "\(prefix)/batch-a"
        let b = "\(prefix)/batch-b"
        _ = try await store.createSecret(CreateSecretRequest(name: a, value: .string(SecretValue("A")), clientRequestToken: token()))
        _ = try await store.createSecret(CreateSecretRequest(name: b, value: .string(SecretValue("B")), clientRequestToken: token()))
        _ = try await store.putSecretValue(b, value: .string(SecretValue("B2")), stages: nil, clientRequestToken: token())
        let missing = SecretVersionSelector(secretId: "\(prefix)/batch-missing")
        let selectors = [
            SecretVersionSelector(secretId: a), SecretVersionSelector(secretId: b),
            SecretVersionSelector(secretId: b, versionStage: "AWSPREVIOUS"), missing,
        ]
        let result = try await store.getSecrets(selectors)
        #expect(result.secrets.count == 3)
        #expect(result.secrets[selectors[0]].flatMap(text) == "A")
        #expect(result.secrets[selectors[1]].flatMap(text) == "B2")
        #expect(result.secrets[selectors[2]].flatMap(text) == "B")
        #expect(result.failures[missing]?.code == .notFound)
        #expect(result.calls >= 1)
    }

    /// JSON text and binary payloads round-trip exactly.
    public func payloadKinds() async throws {
        let json = "\(prefix)/json"
        let body = #"{"username":"svc","password":"p@ss w\"ord","port":5432}"#
        _ = try await store.createSecret(CreateSecretRequest(name: json, value: .string(SecretValue(body)), clientRequestToken: token()))
        #expect(try await text(store.getSecret(SecretVersionSelector(secretId: json))) == body)
        let binary = "\(prefix)/binary"
        let bytes: [UInt8] = [0, 1, 2, 250, 251, 255]
        _ = try await store.createSecret(CreateSecretRequest(name: binary, value: .binary(bytes), clientRequestToken: token()))
        let fetched = try await store.getSecret(SecretVersionSelector(secretId: binary))
        #expect(fetched.payload == .binary(bytes))
    }

    /// Tags, descriptions and prefix listing.
    public func metadataAndListing() async throws {
        let name = "\(prefix)/listed/one"
        _ = try await store.createSecret(
            CreateSecretRequest(name: name, value: .string(SecretValue("x")), description: "compat", tags: ["a": "1"], clientRequestToken: token()))
        _ = try await store.createSecret(CreateSecretRequest(name: "\(prefix)/listed/two", value: .string(SecretValue("y")), clientRequestToken: token()))
        try await store.tagSecret(name, tags: ["b": "2", "a": "3"])
        let description = try await store.describeSecret(name)
        #expect(description.tags == ["a": "3", "b": "2"])
        #expect(description.description == "compat")
        let listed = try await store.listSecrets(prefix: "\(prefix)/listed/").map(\.name)
        #expect(listed.sorted() == ["\(prefix)/listed/one", "\(prefix)/listed/two"])
    }

    /// Plain and SecureString parameters, versions, missing names and path listing.
    public func parameters() async throws {
        let base = "/\(prefix)/config"
        try await store.putParameter("\(base)/url", value: "https://one.example", secure: false)
        try await store.putParameter("\(base)/url", value: "https://two.example", secure: false)
        try await store.putParameter("\(base)/nested/token", value: "tok", secure: true)
        let url = ParameterReference(name: "\(base)/url")
        let firstVersion = ParameterReference(name: "\(base)/url", selector: "1")
        let token = ParameterReference(name: "\(base)/nested/token")
        let missing = ParameterReference(name: "\(base)/missing")
        let result = try await store.getParameters([url, firstVersion, token, missing])
        #expect(result.parameters[url]?.value.unsafeRevealed == "https://two.example")
        #expect(result.parameters[url]?.version == 2)
        #expect(result.parameters[firstVersion]?.value.unsafeRevealed == "https://one.example")
        #expect(result.parameters[token]?.value.unsafeRevealed == "tok", "SecureString values come back decrypted")
        #expect(result.parameters[token]?.isSecure == true)
        #expect(result.invalidNames == [missing])
        let labelMissing = ParameterReference(name: "\(base)/url", selector: "9")
        let metadata = try await store.parameterMetadata([url, firstVersion, token, missing, labelMissing])
        #expect(metadata.found[url]?.version == 2)
        #expect(metadata.found[firstVersion]?.version == 1)
        #expect(metadata.found[token]?.type == "SecureString")
        #expect(metadata.missing == [missing, labelMissing], "an unknown name or version is missing")
        let all = try await store.getParameters(underPath: base)
        #expect(all.map(\.name).sorted() == ["\(base)/nested/token", "\(base)/url"])
        let listed = try await store.parameterMetadata(underPath: base + "/")
        #expect(listed.map(\.name).sorted() == ["\(base)/nested/token", "\(base)/url"], "names only, with or without the trailing slash")
        #expect(listed.first { $0.name == "\(base)/nested/token" }?.type == "SecureString")
        #expect(listed.first { $0.name == "\(base)/url" }?.version == 2)
    }

    /// Fails unless `body` throws a ``StoreError`` (any code: Secrets Manager and the local store
    /// word these refusals differently).
    func expectFailure(_ what: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(what): expected a refusal, but it succeeded")
        } catch is StoreError {
        } catch {
            Issue.record("\(what): expected a StoreError, got \(error)")
        }
    }

    func expectStoreError(_ code: StoreError.Code, _ what: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(what): expected a \(code) error, but it succeeded")
        } catch let error as StoreError {
            #expect(error.code == code, "\(what): \(error.message)")
        } catch {
            Issue.record("\(what): expected a StoreError, got \(error)")
        }
    }
}
