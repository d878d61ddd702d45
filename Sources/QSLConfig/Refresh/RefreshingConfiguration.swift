import Logging
import QSLConfigCore
import Synchronization

/// A service's configuration kept fresh while the service runs.
///
/// - **Periodic refresh**: ``run()`` reloads every ``RefreshPolicy/interval`` until cancelled.
/// - **Forced refresh after an authentication failure**: when a database or API rejects a
///   credential, call ``refreshAfterAuthenticationFailure()``; it reloads at once (at most once
///   per ``RefreshPolicy/minimumForcedInterval``), so a rotated password is picked up without
///   waiting for the next period.
/// - **During a rotation**: ``previous()`` resolves the same references at `AWSPREVIOUS`, for a
///   service that must accept both the old and the new credential for a while.
///
/// A failed refresh keeps the last good configuration and is reported to the caller and the log
/// (never with a value).
///
/// ```swift
/// let configuration = try await RefreshingConfiguration(options: options, policy: RefreshPolicy(interval: .seconds(300)))
/// Task { try await configuration.run() }
/// let connectionString = configuration.current.string("ConnectionStrings:postgres-userservice")
/// ```
public final class RefreshingConfiguration: Sendable {
    public let options: ConfigurationOptions
    public let policy: RefreshPolicy
    let loader: ConfigurationLoader
    let clock: ContinuousClock
    private let state: Mutex<State>

    struct State {
        var current: ResolvedConfiguration
        var lastLoad: ContinuousClock.Instant
        var refreshCount = 0
        var subscribers: [Int: AsyncStream<ResolvedConfiguration>.Continuation] = [:]
        var nextSubscriber = 0
    }

    /// Loads the configuration once; fails if that first load fails.
    public init(options: ConfigurationOptions, policy: RefreshPolicy = RefreshPolicy(), logger: Logger = Logger(label: "qsl-config")) async throws(ResolutionError) {
        self.options = options
        self.policy = policy
        self.loader = ConfigurationLoader(logger: logger)
        self.clock = ContinuousClock()
        let first = try await loader.load(options)
        self.state = Mutex(State(current: first, lastLoad: clock.now))
    }

    /// The last good configuration.
    public var current: ResolvedConfiguration { state.withLock { $0.current } }

    /// The current configuration, then every configuration a later refresh loads.
    public func updates() -> AsyncStream<ResolvedConfiguration> {
        let (stream, continuation) = AsyncStream<ResolvedConfiguration>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            continuation.yield(state.current)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many successful reloads happened after the first load.
    public var refreshCount: Int { state.withLock { $0.refreshCount } }

    /// Reloads now. On failure the current configuration stays in place and the error is thrown.
    @discardableResult
    public func refresh() async throws(ResolutionError) -> ResolvedConfiguration {
        do {
            let fresh = try await loader.load(options)
            let subscribers = state.withLock {
                $0.current = fresh
                $0.lastLoad = clock.now
                $0.refreshCount += 1
                return Array($0.subscribers.values)
            }
            for subscriber in subscribers { subscriber.yield(fresh) }
            return fresh
        } catch {
            loader.logger.warning("configuration refresh failed; keeping the last good configuration", metadata: ["problems": "\(error.diagnostics.count)"])
            throw error
        }
    }

    /// Reloads at once after a credential was rejected, unless a reload happened within
    /// ``RefreshPolicy/minimumForcedInterval``. Returns whether it reloaded.
    @discardableResult
    public func refreshAfterAuthenticationFailure() async throws(ResolutionError) -> Bool {
        let recent = state.withLock { clock.now - $0.lastLoad < policy.minimumForcedInterval }
        guard !recent else { return false }
        try await refresh()
        return true
    }

    /// The configuration with every unpinned secret reference resolved at `AWSPREVIOUS`.
    public func previous() async throws(ResolutionError) -> ResolvedConfiguration {
        var previousOptions = options
        previousOptions.defaultVersionStage = "AWSPREVIOUS"
        return try await loader.load(previousOptions)
    }

    /// Refreshes every ``RefreshPolicy/interval`` until the task is cancelled. Failed refreshes
    /// are logged and retried at the next period.
    public func run() async throws {
        while true {
            try await Task.sleep(for: policy.interval, clock: clock)
            do { try await refresh() } catch {}
        }
    }
}

/// How often a ``RefreshingConfiguration`` reloads.
public struct RefreshPolicy: Sendable, Hashable {
    /// Time between periodic reloads.
    public var interval: Duration
    /// The least time between two reloads forced by authentication failures.
    public var minimumForcedInterval: Duration

    public init(interval: Duration = .seconds(300), minimumForcedInterval: Duration = .seconds(10)) {
        self.interval = interval
        self.minimumForcedInterval = minimumForcedInterval
    }
}
