/// The AWS services this package calls, with the names each one goes by.
public enum AWSService: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case secretsManager = "secretsmanager"
    case ssm
    case sts
    case iam

    /// The SigV4 service name, also the first DNS label of the endpoint.
    public var signingName: String { rawValue }

    /// The suffix of the `AWS_ENDPOINT_URL_<SERVICE>` environment variable.
    public var environmentSuffix: String {
        switch self {
        case .secretsManager: "SECRETS_MANAGER"
        case .ssm: "SSM"
        case .sts: "STS"
        case .iam: "IAM"
        }
    }

    /// The key of this service inside a `[services NAME]` section of the shared config file.
    public var configKey: String {
        switch self {
        case .secretsManager: "secrets_manager"
        case .ssm: "ssm"
        case .sts: "sts"
        case .iam: "iam"
        }
    }

    /// IAM has one global endpoint per partition; the others are regional.
    public var isGlobal: Bool { self == .iam }

    public var description: String {
        switch self {
        case .secretsManager: "Secrets Manager"
        case .ssm: "SSM Parameter Store"
        case .sts: "STS"
        case .iam: "IAM"
        }
    }
}
