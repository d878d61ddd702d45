extension RetryStrategy {
    /// What one attempt came to.
    enum Attempt<Value> {
        /// Done: return this.
        case finished(Value)
        /// Worth another attempt, for `reason`; `ifLast` is what the call comes to when no attempt is left.
        case retryable(reason: String, ifLast: Result<Value, any Error>)
    }

    /// Makes attempts until one finishes or throws, or ``maxAttempts`` are used, waiting
    /// ``delay(afterAttempt:unitRandom:)`` between them. The one retry loop of the package: AWS
    /// API calls and the credential metadata endpoints differ only in how they classify an attempt.
    ///
    /// A cancelled task stops before each attempt and after each failure, with `CancellationError`:
    /// cancellation is never retried, nor reported as the failure it caused.
    ///
    /// - Parameters:
    ///   - sleep: the runtime's sleep (a test seam).
    ///   - random: the runtime's source of uniform randomness in `[0, 1)`, for the jitter.
    ///   - willRetry: called with the attempt number, the reason and the delay before each wait.
    ///   - attempt: makes attempt `n` (1-based); throws to end the call at once.
    func attempts<Value>(
        sleep: @Sendable (Duration) async throws -> Void,
        random: @Sendable () -> Double,
        willRetry: (_ attempt: Int, _ reason: String, _ delay: Duration) -> Void = { _, _, _ in },
        _ attempt: (_ number: Int) async throws -> Attempt<Value>
    ) async throws -> Value {
        var number = 1
        while true {
            try Task.checkCancellation()
            switch try await attempt(number) {
            case .finished(let value):
                return value
            case .retryable(let reason, let ifLast):
                try Task.checkCancellation()
                guard number < maxAttempts else { return try ifLast.get() }
                let wait = delay(afterAttempt: number, unitRandom: random())
                willRetry(number, reason, wait)
                try await sleep(wait)
                number += 1
            }
        }
    }
}
