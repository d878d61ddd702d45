/// AWS Systems Manager Parameter Store (JSON 1.1 protocol, `X-Amz-Target: AmazonSSM.<Operation>`).
///
/// Parameter values are ``SecretValue``s whatever their type, so a `SecureString` read with
/// decryption can never be printed by accident; `String` values are read with `unsafeRevealed` too.
///
/// `PutParameter` has no idempotency token in the SSM API. A retried put after a lost response
/// may add one more version of the same value (with `overwrite: true`) or fail with
/// `ParameterAlreadyExists` (without it); both leave the parameter holding the intended value.
///
/// ```swift
/// let ssm = SSMClient(context: try AWSContext())
/// let all = try await ssm.getAllParametersByPath(.init(path: "/qsl/production/config/", recursive: true, withDecryption: true))
/// ```
public struct SSMClient: Sendable {
    let client: AWSClient

    public init(context: AWSContext) {
        self.client = context.client(for: .ssm)
    }

    package init(client: AWSClient) {
        self.client = client
    }

    /// One parameter.
    public func getParameter(name: String, withDecryption: Bool = true) async throws -> Parameter {
        let output: GetParameterOutput = try await client.json(
            "GetParameter", input: GetParameterInput(name: name, withDecryption: withDecryption))
        return output.parameter
    }

    /// Up to 10 parameters in one call; names that do not exist come back in `invalidParameters`.
    public func getParameters(names: [String], withDecryption: Bool = true) async throws -> GetParametersOutput {
        try await client.json("GetParameters", input: GetParametersInput(names: names, withDecryption: withDecryption))
    }

    /// One page of the parameters under a path.
    public func getParametersByPath(_ input: GetParametersByPathInput) async throws -> GetParametersByPathOutput {
        try await client.json("GetParametersByPath", input: input)
    }

    /// Every parameter under a path, following `NextToken` to the end.
    public func getAllParametersByPath(_ input: GetParametersByPathInput) async throws -> [Parameter] {
        try await AWSClient.allPages(operation: "GetParametersByPath", service: .ssm) { token in
            var page = input
            page.nextToken = token
            let output = try await getParametersByPath(page)
            return (output.parameters, output.nextToken)
        }
    }

    /// Creates or (with `overwrite`) updates a parameter; returns the new version number.
    public func putParameter(_ input: PutParameterInput) async throws -> PutParameterOutput {
        try await client.json("PutParameter", input: input)
    }
}
