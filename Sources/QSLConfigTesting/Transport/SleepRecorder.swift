import Synchronization

/// Stands in for `Task.sleep` in retry tests: records each requested delay and returns at once.
///
/// ```swift
/// let sleeps = SleepRecorder()
/// let runtime = AWSRuntime(transport: transport, sleep: sleeps.sleep)
/// // ... after the call:
/// #expect(sleeps.delays.count == 2)
/// ```
public final class SleepRecorder: Sendable {
    private let recorded = Mutex<[Duration]>([])

    public init() {}

    /// Every delay asked for, in order.
    public var delays: [Duration] { recorded.withLock { $0 } }

    /// The function to inject.
    public var sleep: @Sendable (Duration) async throws -> Void {
        { [recorded = self] duration in
            try Task.checkCancellation()
            recorded.recorded.withLock { $0.append(duration) }
        }
    }
}
