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
/// - **During a rotation**: ``previous()`` resolves the same references at `AWSPREVIOUS` (a
///   secret never rotated at `AWSCURRENT`), for a service that must accept both the old and the
///   new credential for a while; one load per configuration, shared by every caller.
///
/// A failed refresh keeps the last good configuration and is reported to the caller and the log
/// (never with a value). Reloads never overlap: callers that ask while one is running share it,
/// so a burst of authentication failures costs one reload, not one per failing connection.
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
        /// When the last reload started, successful or not: forced reloads are spaced from it, so
        /// a failing store is not asked again on every authentication failure.
        var lastAttempt: ContinuousClock.Instant
        /// The reload running now, which every concurrent caller awaits.
        var inFlight: Task<Result<ResolvedConfiguration, ResolutionError>, Never>?
        var refreshCount = 0
        var subscribers: [Int: AsyncStream<ResolvedConfiguration>.Continuation] = [:]
        var nextSubscriber = 0
        /// The ``previous()`` load for the configuration of ``refreshCount``, shared by every
        /// caller until the next reload; a failed one is tried again only after
        /// ``RefreshPolicy/minimumForcedInterval``.
        var previous: PreviousLoad?
    }

    struct PreviousLoad {
        /// The ``State/refreshCount`` it was started for.
        var generation: Int
        var task: Task<Result<ResolvedConfiguration, ResolutionError>, Never>
        /// When it failed; `nil` while it runs or once it succeeded.
        var failedAt: ContinuousClock.Instant?
    }

    /// Loads the configuration once; fails if that first load fails.
    public init(options: ConfigurationOptions, policy: RefreshPolicy = RefreshPolicy(), logger: Logger = Logger(label: "qsl-config")) async throws(ResolutionError) {
        self.options = options
        self.policy = policy
        self.loader = ConfigurationLoader(logger: logger)
        self.clock = ContinuousClock()
        let first = try await loader.load(options)
        self.state = Mutex(State(current: first, lastAttempt: clock.now))
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

    /// Reloads now, or joins the reload already running. On failure the current configuration
    /// stays in place and the error is thrown.
    @discardableResult
    public func refresh() async throws(ResolutionError) -> ResolvedConfiguration {
        try await reloadTask().value.get()
    }

    /// The reload running now, or one started.
    private func reloadTask() -> Task<Result<ResolvedConfiguration, ResolutionError>, Never> {
        state.withLock { state in state.inFlight ?? startReload(&state) }
    }

    /// Starts a reload; the caller holds the lock and has checked that none is running.
    private func startReload(_ state: inout State) -> Task<Result<ResolvedConfiguration, ResolutionError>, Never> {
        state.lastAttempt = clock.now
        let task = Task { await self.reload() }
        state.inFlight = task
        return task
    }

    /// One reload: the only writer of ``current``, and never two at once.
    private func reload() async -> Result<ResolvedConfiguration, ResolutionError> {
        do {
            let fresh = try await loader.load(options)
            // Delivered under the lock (`yield` does not wait): a later reload cannot deliver its
            // configuration first and then be overtaken by this older one.
            state.withLock {
                $0.current = fresh
                $0.refreshCount += 1
                $0.inFlight = nil
                for subscriber in $0.subscribers.values { subscriber.yield(fresh) }
            }
            return .success(fresh)
        } catch {
            state.withLock { $0.inFlight = nil }
            loader.logger.warning("configuration refresh failed; keeping the last good configuration", metadata: ["problems": "\(error.diagnostics.count)"])
            return .failure(error)
        }
    }

    /// Reloads at once after a credential was rejected, unless a reload started within
    /// ``RefreshPolicy/minimumForcedInterval`` (joining one that is still running). Returns
    /// whether it reloaded.
    @discardableResult
    public func refreshAfterAuthenticationFailure() async throws(ResolutionError) -> Bool {
        // One decision under the lock: two callers that both find the last attempt old enough
        // must not each start a reload once the first has finished.
        let task = state.withLock { state -> Task<Result<ResolvedConfiguration, ResolutionError>, Never>? in
            if let running = state.inFlight { return running }
            guard clock.now - state.lastAttempt >= policy.minimumForcedInterval else { return nil }
            return startReload(&state)
        }
        guard let task else { return false }
        _ = try await task.value.get()
        return true
    }

    /// The configuration with every unpinned secret reference resolved at `AWSPREVIOUS` (a
    /// secret never rotated, with no `AWSPREVIOUS`, at `AWSCURRENT`).
    ///
    /// Loaded once per configuration: every caller shares the load until the next reload, so a
    /// burst of tokens signed with an old key costs one load, not one per token. A failed load is
    /// tried again only after ``RefreshPolicy/minimumForcedInterval``.
    public func previous() async throws(ResolutionError) -> ResolvedConfiguration {
        let task = state.withLock { state -> Task<Result<ResolvedConfiguration, ResolutionError>, Never> in
            if let cached = state.previous, cached.generation == state.refreshCount {
                guard let failedAt = cached.failedAt, clock.now - failedAt >= policy.minimumForcedInterval else { return cached.task }
            }
            var previousOptions = options
            previousOptions.defaultVersionStage = "AWSPREVIOUS"
            let generation = state.refreshCount
            let task = Task { () -> Result<ResolvedConfiguration, ResolutionError> in
                do throws(ResolutionError) {
                    return .success(try await self.loader.load(previousOptions))
                } catch {
                    self.state.withLock { state in
                        if state.previous?.generation == generation, state.previous?.failedAt == nil { state.previous?.failedAt = self.clock.now }
                    }
                    return .failure(error)
                }
            }
            state.previous = PreviousLoad(generation: generation, task: task)
            return task
        }
        return try await task.value.get()
    }

    /// Refreshes every ``RefreshPolicy/interval`` until the task is cancelled. Failed refreshes
    /// are logged and retried at the next period.
    ///
    /// Cancelled during a reload, it cancels that reload (its store calls end at once) rather
    /// than wait for a store that may not answer: a service stopping within ECS's stop timeout
    /// is not held by it. A caller sharing that reload gets its failure, and the last good
    /// configuration stays.
    public func run() async throws {
        while true {
            try await Task.sleep(for: policy.interval, clock: clock)
            let task = reloadTask()
            // The reload is an unstructured task shared with every caller: it does not inherit
            // this task's cancellation, so it is passed on by hand.
            _ = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
            try Task.checkCancellation()
        }
    }

    /// Ends every ``updates()`` stream: a watcher's `for await` finishes once the configuration
    /// it watches is gone, rather than wait forever.
    deinit {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.finish() }
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
