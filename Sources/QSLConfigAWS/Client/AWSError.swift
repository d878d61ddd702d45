import QSLConfigCore

/// A failed AWS call: the service said no, or no usable response came back.
///
/// Carries the operation, the HTTP status, the AWS error code, the request id, how many
/// attempts were made and which credentials were in use, and prints as one sentence saying
/// what to do. It never holds a secret value: only the access key id and the credential source.
///
/// ```swift
/// do {
///     _ = try await secrets.getSecretValue(.init(secretId: "qsl/production/redis/connection"))
/// } catch let error as AWSError where error.awsErrorCode == "ResourceNotFoundException" {
///     // create it
/// }
/// ```
public struct AWSError: Error, Sendable, CustomStringConvertible {
    /// The broad kind of failure, for callers that branch on it.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable { case service, timedOut, connectionFailed, malformedResponse }
        private let code: Code

        /// AWS answered with an error response; see ``AWSError/awsErrorCode``.
        public static let service = Kind(code: .service)
        /// No response within the transport timeout, on every attempt.
        public static let timedOut = Kind(code: .timedOut)
        /// The connection failed or was reset, on every attempt.
        public static let connectionFailed = Kind(code: .connectionFailed)
        /// A response arrived but could not be read.
        public static let malformedResponse = Kind(code: .malformedResponse)

        public var description: String {
            switch code {
            case .service: "service error"
            case .timedOut: "timed out"
            case .connectionFailed: "connection failed"
            case .malformedResponse: "malformed response"
            }
        }
    }

    public let kind: Kind
    public let service: AWSService
    /// The API operation, e.g. `GetSecretValue`.
    public let operation: String
    public let httpStatus: Int?
    /// The AWS error code, e.g. `AccessDeniedException`, `ThrottlingException`.
    public let awsErrorCode: String?
    /// The message AWS sent with the error.
    public let serviceMessage: String?
    /// `x-amzn-RequestId` / `<RequestId>`, for AWS support and CloudTrail.
    public let requestId: String?
    /// How many attempts were made, retries included.
    public let attempts: Int
    /// Where the credentials used came from (`environment`, `imds`, ...), when the call was signed.
    public let credentialSource: String?
    public let accessKeyId: String?
    /// `host[:port]` the request went to.
    public let host: String

    init(
        kind: Kind, service: AWSService, operation: String, httpStatus: Int? = nil, awsErrorCode: String? = nil,
        serviceMessage: String? = nil, requestId: String? = nil, attempts: Int, credentials: AWSCredentials?, host: String
    ) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.httpStatus = httpStatus
        self.awsErrorCode = awsErrorCode
        self.serviceMessage = serviceMessage
        self.requestId = requestId
        self.attempts = attempts
        self.credentialSource = credentials?.source
        self.accessKeyId = credentials?.accessKeyId
        self.host = host
    }

    /// Whether the standard retry mode would try this again.
    public var isRetryable: Bool {
        switch kind {
        case .timedOut, .connectionFailed: true
        case .service: RetryStrategy.isRetryable(status: httpStatus ?? 0, code: awsErrorCode)
        default: false
        }
    }

    public var isThrottling: Bool { awsErrorCode.map(RetryStrategy.throttlingCodes.contains) ?? false || httpStatus == 429 }

    public var isAccessDenied: Bool {
        awsErrorCode == "AccessDenied" || awsErrorCode == "AccessDeniedException"
    }

    /// `ResourceNotFoundException`, `ParameterNotFound`, `NoSuchEntity`.
    public var isNotFound: Bool {
        ["ResourceNotFoundException", "ParameterNotFound", "NoSuchEntity"].contains(awsErrorCode ?? "")
    }

    public var description: String {
        var details = [operation]
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        if let awsErrorCode { details.append(awsErrorCode) }
        if let requestId, !requestId.isEmpty { details.append("request id \(requestId)") }
        return "\(advice) (\(details.joined(separator: ", ")))."
    }

    private var via: String { credentialSource.map { " (credentials from \($0))" } ?? "" }
    private var afterAttempts: String { attempts > 1 ? " after \(attempts) attempts" : "" }
    private var message: String { serviceMessage.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } ?? "no message" }

    /// The actionable part of ``description``.
    private var advice: String {
        switch kind {
        case .timedOut:
            return "\(service) \(operation) to \(host) timed out\(afterAttempts); check network access to the endpoint, or raise AWS_MAX_ATTEMPTS if it is just slow"
        case .connectionFailed:
            return "Could not connect to \(host) for \(service) \(operation)\(afterAttempts) (\(serviceMessage ?? "connection failed")); check the endpoint URL and network access"
        case .malformedResponse:
            return "\(service) \(operation) returned a response that could not be read (\(serviceMessage ?? "unexpected body")); check that the endpoint is really \(service)"
        default:
            break
        }
        let code = awsErrorCode ?? ""
        switch code {
        case "AccessDenied", "AccessDeniedException":
            if let denial = AccessDenial(message: serviceMessage) {
                let resource = denial.resource.map { " on \($0)" } ?? ""
                let principal = denial.principal.map { " to \($0)" } ?? ""
                return "AWS denied \(denial.action)\(resource)\(principal)\(via); allow \(denial.action)\(resource.isEmpty ? "" : " on that resource") in an IAM policy of that identity"
            }
            return "AWS denied \(service) \(operation) to the identity in use\(via): \(message); check its IAM policies"
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
            return "The AWS session token from \(credentialSource ?? "the configured credentials") has expired; refresh those credentials (log in again or re-assume the role) and retry"
        case "SignatureDoesNotMatch":
            return "AWS rejected the request signature: the secret access key is wrong for access key \(accessKeyId ?? "in use")\(via); check the secret key (and that the clock is right)"
        case "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId":
            return "AWS does not recognise access key \(accessKeyId ?? "in use")\(via); check the key id, or that the key or session has not been deleted"
        case "IncompleteSignature", "MissingAuthenticationToken":
            return "AWS received an unsigned or incompletely signed \(operation) request\(via); configure credentials for this command"
        default:
            break
        }
        if isThrottling {
            return "AWS throttled \(service) \(operation)\(afterAttempts): \(message); lower the request rate or raise AWS_MAX_ATTEMPTS"
        }
        if let status = httpStatus, status >= 500 {
            return "\(service) \(operation) failed on AWS's side\(afterAttempts): \(message); try again later"
        }
        if isNotFound {
            return "\(service) \(operation) found nothing: \(message); check the name and the region"
        }
        return "\(service) \(operation) failed: \(message)"
    }
}

/// The parts of an AccessDenied message: "User: ARN is not authorized to perform: ACTION
/// on resource: ARN because ...".
struct AccessDenial {
    var principal: String?
    var action: String
    var resource: String?

    init?(message: String?) {
        guard let message, let performRange = message.firstRange(ofLiteral: "to perform: ") else { return nil }
        // The message comes from the server: look for the end of the principal only after its
        // start, and leave it out when there is none ("User: is not authorized ...").
        if let userRange = message.firstRange(ofLiteral: "User: "),
            let notRange = message[userRange.upperBound...].firstRange(ofLiteral: "is not authorized")
        {
            let name = message[userRange.upperBound..<notRange.lowerBound].trimmingWhitespace()
            if !name.isEmpty { principal = name }
        }
        let rest = message[performRange.upperBound...]
        let actionEnd = rest.firstIndex(where: { $0 == " " }) ?? rest.endIndex
        action = String(rest[..<actionEnd])
        if let resourceRange = rest.firstRange(ofLiteral: "on resource: ") {
            let tail = rest[resourceRange.upperBound...]
            let end = tail.firstIndex(where: { $0 == " " }) ?? tail.endIndex
            resource = String(tail[..<end])
        }
        if action.isEmpty { return nil }
    }
}
