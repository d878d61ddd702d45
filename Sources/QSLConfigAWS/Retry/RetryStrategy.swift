import QSLConfigCore

/// The AWS SDKs' "standard" retry mode: exponential backoff with full jitter.
///
/// Attempt `n` (1-based) that fails with a retryable error waits a random time in
/// `0 ... min(cap, base * 2^(n-1))` before attempt `n + 1`, up to ``maxAttempts`` attempts in all.
/// Retryable: throttling error codes, transient error codes, HTTP 5xx and 429, timeouts and
/// connection failures. Every other 4xx is returned at once.
///
/// ```swift
/// let strategy = RetryStrategy(maxAttempts: 5)
/// ```
public struct RetryStrategy: Sendable, Hashable {
    /// Total attempts, the first one included (`AWS_MAX_ATTEMPTS`, default 3).
    public var maxAttempts: Int
    /// The backoff base (100 ms by default).
    public var baseDelay: Duration
    /// The longest single wait (20 s, as in the SDKs).
    public var maxDelay: Duration

    public static let defaultMaxAttempts = 3

    public init(maxAttempts: Int = RetryStrategy.defaultMaxAttempts, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The upper bound of the wait after failed attempt `attempt` (1-based), before jitter.
    public func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let grown = baseDelay * (1 << exponent)
        return min(grown, maxDelay)
    }

    /// The wait after failed attempt `attempt`: `ceiling * unitRandom`, `unitRandom` in `[0, 1)`.
    public func delay(afterAttempt attempt: Int, unitRandom: Double) -> Duration {
        let ceiling = backoffCeiling(afterAttempt: attempt)
        return ceiling * min(max(unitRandom, 0), 1)
    }

    /// Error codes that mean "slow down" (the SDKs' throttling list).
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// Error codes for failures on AWS's side that a retry may get past.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
        "InternalServerError", "InternalServiceError", "ServiceUnavailable",
    ]

    /// Whether a response with this status and error code is worth another attempt.
    public static func isRetryable(status: Int, code: String?) -> Bool {
        if let code, throttlingCodes.contains(code) || transientCodes.contains(code) { return true }
        return status >= 500 || status == 429
    }

    /// Reads `AWS_MAX_ATTEMPTS` (or the profile's `max_attempts`).
    static func fromSettings(environment: [String: String], profile: [String: String]) throws(AWSConfigurationError) -> RetryStrategy {
        let raw: String
        let source: String
        if let value = environment["AWS_MAX_ATTEMPTS"] {
            (raw, source) = (value, "AWS_MAX_ATTEMPTS")
        } else if let value = profile["max_attempts"] {
            (raw, source) = (value, "max_attempts in the profile")
        } else {
            return RetryStrategy()
        }
        guard let attempts = Int(raw.trimmingWhitespace()), attempts >= 1 else {
            throw AWSConfigurationError(.invalidSetting, "\(source) is `\(raw)`; set it to a whole number of attempts, 1 or more.")
        }
        return RetryStrategy(maxAttempts: attempts)
    }
}
