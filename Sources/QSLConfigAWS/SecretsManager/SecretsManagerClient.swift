#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AWS Secrets Manager (JSON 1.1 protocol, `X-Amz-Target: secretsmanager.<Operation>`).
///
/// Every write carries a `ClientRequestToken`, generated once per call unless given, and sent
/// unchanged on every retry, so a retried `CreateSecret` or `PutSecretValue` never creates a
/// second version. Secret values are ``SecretValue``s in both directions.
///
/// ```swift
/// let secrets = SecretsManagerClient(context: try AWSContext())
/// let value = try await secrets.getSecretValue(.init(secretId: "qsl/production/neon/userservice"))
/// connect(password: value.secretString?.unsafeRevealed)
/// ```
public struct SecretsManagerClient: Sendable {
    let client: AWSClient

    public init(context: AWSContext) {
        self.client = context.client(for: .secretsManager)
    }

    package init(client: AWSClient) {
        self.client = client
    }

    /// One secret's value: `AWSCURRENT` unless a version id or stage is given.
    public func getSecretValue(_ input: GetSecretValueInput) async throws -> GetSecretValueOutput {
        try await client.json("GetSecretValue", input: input)
    }

    /// Up to 20 secrets in one call (by id), or one page of those matching filters. Secrets that
    /// could not be read are listed in `errors`; the call itself still succeeds.
    public func batchGetSecretValue(_ input: BatchGetSecretValueInput) async throws -> BatchGetSecretValueOutput {
        try await client.json("BatchGetSecretValue", input: input)
    }

    /// ``batchGetSecretValue(_:)`` followed through every `NextToken`, values and errors combined.
    public func batchGetAllSecretValues(_ input: BatchGetSecretValueInput) async throws -> BatchGetSecretValueOutput {
        var errors: [APIError] = []
        let values = try await AWSClient.allPages(operation: "BatchGetSecretValue", service: .secretsManager) { token in
            var page = input
            page.nextToken = token
            let output = try await batchGetSecretValue(page)
            errors += output.errors
            return (output.secretValues, output.nextToken)
        }
        return BatchGetSecretValueOutput(secretValues: values, errors: errors, nextToken: nil)
    }

    /// A secret's metadata: never its value.
    public func describeSecret(secretId: String) async throws -> DescribeSecretOutput {
        try await client.json("DescribeSecret", input: SecretIdInput(secretId: secretId))
    }

    /// One page of secret metadata.
    public func listSecrets(_ input: ListSecretsInput = ListSecretsInput()) async throws -> ListSecretsOutput {
        try await client.json("ListSecrets", input: input)
    }

    /// Every secret matching `input.filters`, following `NextToken` to the end.
    public func listAllSecrets(_ input: ListSecretsInput = ListSecretsInput()) async throws -> [SecretListEntry] {
        try await AWSClient.allPages(operation: "ListSecrets", service: .secretsManager) { token in
            var page = input
            page.nextToken = token
            let output = try await listSecrets(page)
            return (output.secretList, output.nextToken)
        }
    }

    /// One page of a secret's versions and their staging labels.
    public func listSecretVersionIds(_ input: ListSecretVersionIdsInput) async throws -> ListSecretVersionIdsOutput {
        try await client.json("ListSecretVersionIds", input: input)
    }

    /// Every version of a secret, following `NextToken` to the end.
    public func listAllSecretVersionIds(_ input: ListSecretVersionIdsInput) async throws -> [SecretVersionsListEntry] {
        try await AWSClient.allPages(operation: "ListSecretVersionIds", service: .secretsManager) { token in
            var page = input
            page.nextToken = token
            let output = try await listSecretVersionIds(page)
            return (output.versions, output.nextToken)
        }
    }

    /// Creates a secret (and its first version when a value is given).
    public func createSecret(_ input: CreateSecretInput) async throws -> CreateSecretOutput {
        var input = input
        if input.clientRequestToken == nil { input.clientRequestToken = UUID().uuidString.lowercased() }
        return try await client.json("CreateSecret", input: input)
    }

    /// Stores a new version of a secret's value, labelled `AWSCURRENT` unless stages are given.
    public func putSecretValue(_ input: PutSecretValueInput) async throws -> PutSecretValueOutput {
        var input = input
        if input.clientRequestToken == nil { input.clientRequestToken = UUID().uuidString.lowercased() }
        return try await client.json("PutSecretValue", input: input)
    }

    /// Moves a staging label (`AWSCURRENT`, `AWSPENDING`, ...) between versions.
    public func updateSecretVersionStage(_ input: UpdateSecretVersionStageInput) async throws -> UpdateSecretVersionStageOutput {
        try await client.json("UpdateSecretVersionStage", input: input)
    }

    /// Adds or replaces tags on a secret.
    public func tagResource(secretId: String, tags: [Tag]) async throws {
        let _: EmptyOutput = try await client.json("TagResource", input: TagResourceInput(secretId: secretId, tags: tags))
    }
}

/// The body of operations that return nothing.
struct EmptyOutput: Decodable {}
