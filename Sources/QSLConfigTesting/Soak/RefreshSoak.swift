import Foundation
import QSLConfig
import QSLConfigCore
import Synchronization

/// A soak run of ``RefreshingConfiguration``: many readers use a configuration while a secret
/// rotates underneath it, through the same staging-label moves `rotate` makes.
///
/// - A rotator stages a new version `AWSPENDING` every ``Options/rotationPeriod``, holds it there
///   for ``Options/pendingHold``, and then either promotes it to `AWSCURRENT` (the old one becomes `AWSPREVIOUS`) or, every
///   ``Options/abandonEvery``-th time, abandons it (the label is removed, as a rotation whose test
///   failed and was rolled back). Values are `soak-v<N>`: sequence numbers, never secrets.
/// - A "server" accepts the current value and the previous one (the grace window a rotation
///   leaves). Readers read ``RefreshingConfiguration/current`` in a loop; a reader whose value is
///   no longer accepted calls ``RefreshingConfiguration/refreshAfterAuthenticationFailure()``, as
///   a service does after a refused login.
/// - One subscriber follows ``RefreshingConfiguration/updates()``.
///
/// The report says whether any reader or the subscriber saw a value that was never current (an
/// abandoned one), or went back to an older value, how many store calls the configuration made
/// against the bound its ``RefreshPolicy`` allows, and the resident memory after warm-up and at
/// the end.
public enum RefreshSoak {
    public struct Options: Sendable {
        /// How long the rotator runs (unless ``rotations`` is set).
        public var duration: Duration
        /// When set, the rotator stops after staging this many versions instead of after
        /// ``duration``: a run whose amount of work does not depend on how busy the machine is
        /// (the test's; the script's runs for a duration).
        public var rotations: Int?
        public var readers: Int
        public var rotationPeriod: Duration
        public var policy: RefreshPolicy
        /// Every `abandonEvery`-th staged version is abandoned instead of promoted.
        public var abandonEvery: Int
        /// How long a staged version stays `AWSPENDING` before it is promoted or abandoned (the
        /// set and test steps of a real rotation).
        public var pendingHold: Duration
        /// Promote with `PutSecretValue` (the new version becomes `AWSCURRENT` as it is written)
        /// instead of staging it and moving the label. For moto 5, whose reads without a stage
        /// keep serving the old version after `UpdateSecretVersionStage` moves `AWSCURRENT`
        /// (the compat suite's `batchReadStaleAfterLabelMove` gap). Abandoned versions are still
        /// staged `AWSPENDING` and held.
        public var promoteWithPut = false
        /// How long a reader waits between two reads.
        public var readPause: Duration
        /// When the "start" memory reading is taken, after the caches and pools warmed up.
        public var warmUp: Duration

        public init(
            duration: Duration, readers: Int = 50, rotationPeriod: Duration = .seconds(2),
            policy: RefreshPolicy = RefreshPolicy(interval: .seconds(5), minimumForcedInterval: .seconds(1)),
            abandonEvery: Int = 4, pendingHold: Duration? = nil, readPause: Duration = .milliseconds(2), warmUp: Duration? = nil
        ) {
            self.duration = duration
            self.readers = readers
            self.rotationPeriod = rotationPeriod
            self.policy = policy
            self.abandonEvery = abandonEvery
            self.pendingHold = pendingHold ?? rotationPeriod / 2
            self.readPause = readPause
            self.warmUp = warmUp ?? min(duration / 10, .seconds(30))
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var elapsed: Duration
        /// Versions promoted to `AWSCURRENT`, and staged versions abandoned.
        public var promoted: Int
        public var abandoned: Int
        public var reads: Int
        /// Distinct values the readers and the subscriber saw.
        public var distinctSeen: Int
        /// Sequence numbers seen that were never `AWSCURRENT`: must be empty.
        public var neverCurrentSeen: [Int]
        /// Times a reader (or the subscriber) saw an older value after a newer one: must be 0.
        public var regressions: Int
        public var refusedLogins: Int
        /// Successful reloads after the first load, and the configuration's `getSecrets` calls.
        public var reloads: Int
        public var storeCalls: Int
        /// The most `getSecrets` calls the refresh policy allows in ``elapsed``.
        public var storeCallBound: Int
        public var rssStartBytes: Int
        public var rssEndBytes: Int

        public var holds: Bool { neverCurrentSeen.isEmpty && regressions == 0 && storeCalls <= storeCallBound }

        public var description: String {
            """
            seconds=\(String(format: "%.1f", elapsed.secondsValue))
            promoted=\(promoted)
            abandoned=\(abandoned)
            reads=\(reads)
            distinct_values_seen=\(distinctSeen)
            never_current_seen=\(neverCurrentSeen.count)
            regressions=\(regressions)
            refused_logins=\(refusedLogins)
            reloads=\(reloads)
            store_calls=\(storeCalls)
            store_call_bound=\(storeCallBound)
            rss_start_mib=\(String(format: "%.1f", Double(rssStartBytes) / 1_048_576))
            rss_end_mib=\(String(format: "%.1f", Double(rssEndBytes) / 1_048_576))
            holds=\(holds)
            """
        }
    }

    static let secretName = "soak/db"
    static let key: ConfigKey = "ConnectionStrings:db"

    /// Runs the soak. `store` is where the secret lives (a local store file or moto); the
    /// configuration reads it through a counting wrapper, the rotator writes it directly.
    /// `directory` receives the service's `appsettings.json`.
    public static func run(store: any SecretStore, directory: String, options: Options) async throws -> Report {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(#"{"ConnectionStrings": {"db": "Host=db;Username=app;Password=${aws:secrets:soak/db:password}"}}"#.utf8)
            .write(to: URL(fileURLWithPath: directory).appendingPathComponent("appsettings.json"))
        let first = try await store.createSecret(
            CreateSecretRequest(name: secretName, value: .string(SecretValue(payload(0))), clientRequestToken: UUID().uuidString))
        let server = Server()
        server.promote(0, versionId: first.versionId)

        let counting = CountingSecretStore(store)
        let configuration = try await RefreshingConfiguration(
            options: ConfigurationOptions(configDirectory: directory, environmentVariables: [:], environmentIsLayer: false, store: counting),
            policy: options.policy)
        let baselineCalls = counting.calls["getSecrets", default: 0]

        let clock = ContinuousClock()
        let started = clock.now
        let stop = StopFlag()
        let periodic = Task { try await configuration.run() }
        let subscriber = Task { () -> Observations in
            var seen = Observations()
            for await update in configuration.updates() {
                seen.observe(sequence(update.string(key)))
            }
            return seen
        }
        let readers = (0..<options.readers).map { _ in
            Task { () -> Observations in
                var seen = Observations()
                while !stop.isSet {
                    let number = sequence(configuration.current.string(key))
                    seen.observe(number)
                    if !server.accepts(number) {
                        seen.refused += 1
                        _ = try? await configuration.refreshAfterAuthenticationFailure()
                    }
                    try? await Task.sleep(for: options.readPause)
                }
                return seen
            }
        }

        var rssStart = 0
        var promoted = 0
        var abandoned = 0
        var number = 0
        var rotatorError: (any Error)?
        func more() -> Bool {
            if let rotations = options.rotations { return number < rotations }
            return clock.now - started < options.duration
        }
        while more() {
            try? await Task.sleep(for: options.rotationPeriod)
            let warm = options.rotations.map { number >= $0 / 10 } ?? (clock.now - started >= options.warmUp)
            if rssStart == 0, warm { rssStart = residentBytes() }
            number += 1
            do {
                if options.promoteWithPut, number % options.abandonEvery != 0 {
                    try? await Task.sleep(for: options.pendingHold)
                    let current = try await store.putSecretValue(
                        secretName, value: .string(SecretValue(payload(number))), stages: nil, clientRequestToken: UUID().uuidString)
                    server.promote(number, versionId: current.versionId)
                    promoted += 1
                    continue
                }
                let pending = try await store.putSecretValue(
                    secretName, value: .string(SecretValue(payload(number))), stages: ["AWSPENDING"], clientRequestToken: UUID().uuidString)
                try? await Task.sleep(for: options.pendingHold)
                if number % options.abandonEvery == 0 {
                    try await store.updateSecretVersionStage(secretName, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: pending.versionId)
                    abandoned += 1
                } else {
                    try await store.updateSecretVersionStage(
                        secretName, stage: "AWSCURRENT", moveToVersionId: pending.versionId, removeFromVersionId: server.currentVersionId)
                    server.promote(number, versionId: pending.versionId)
                    try await store.updateSecretVersionStage(secretName, stage: "AWSPENDING", moveToVersionId: nil, removeFromVersionId: pending.versionId)
                    promoted += 1
                }
            } catch {
                rotatorError = error
                break
            }
        }
        if rssStart == 0 { rssStart = residentBytes() }
        stop.set()
        periodic.cancel()
        var all = Observations()
        for reader in readers { all.merge(await reader.value) }
        // Cancelling ends the subscriber's wait for the next update.
        subscriber.cancel()
        all.merge(await subscriber.value, countsReads: false)
        let elapsed = clock.now - started
        let rssEnd = residentBytes()
        if let rotatorError { throw rotatorError }

        let storeCalls = counting.calls["getSecrets", default: 0] - baselineCalls
        // Periodic reloads, and forced reloads spaced by the minimum interval (one may start at
        // the very beginning).
        let periodicBound = Int((elapsed / options.policy.interval).rounded(.down)) + 1
        let forcedBound = options.policy.minimumForcedInterval > .zero
            ? Int((elapsed / options.policy.minimumForcedInterval).rounded(.up)) + 1
            : Int.max / 4
        return Report(
            elapsed: elapsed, promoted: promoted, abandoned: abandoned, reads: all.reads, distinctSeen: all.values.count,
            neverCurrentSeen: all.values.filter { !server.wasCurrent($0) }.sorted(), regressions: all.regressions,
            refusedLogins: all.refused, reloads: configuration.refreshCount, storeCalls: storeCalls,
            storeCallBound: periodicBound + forcedBound, rssStartBytes: rssStart, rssEndBytes: rssEnd)
    }

    static func payload(_ number: Int) -> String { #"{"username":"app","password":"soak-v\#(number)"}"# }

    /// The sequence number in a resolved connection string, or -1 when it has none.
    static func sequence(_ connectionString: String?) -> Int {
        guard let connectionString, let range = connectionString.range(of: "Password=soak-v") else { return -1 }
        return Int(connectionString[range.upperBound...]) ?? -1
    }

    /// What one reader saw.
    struct Observations: Sendable {
        var values: Set<Int> = []
        var last = Int.min
        var reads = 0
        var regressions = 0
        var refused = 0

        mutating func observe(_ number: Int) {
            reads += 1
            values.insert(number)
            if number < last { regressions += 1 }
            last = max(last, number)
        }

        mutating func merge(_ other: Observations, countsReads: Bool = true) {
            values.formUnion(other.values)
            if countsReads { reads += other.reads }
            regressions += other.regressions
            refused += other.refused
        }
    }

    /// The rotator's record: which values were ever current, and which the "server" accepts now.
    final class Server: Sendable {
        private struct State {
            var everCurrent: Set<Int> = []
            var current = -1
            var previous = -1
            var currentVersionId: String?
        }
        private let state = Mutex(State())

        func promote(_ number: Int, versionId: String) {
            state.withLock {
                $0.previous = $0.current
                $0.current = number
                $0.currentVersionId = versionId
                // Recorded before a reader can see it current: the stage moved before this call
                // returns to the rotator, and the check runs after every reader has stopped.
                $0.everCurrent.insert(number)
            }
        }

        var currentVersionId: String? { state.withLock { $0.currentVersionId } }
        func accepts(_ number: Int) -> Bool { state.withLock { number == $0.current || number == $0.previous } }
        func wasCurrent(_ number: Int) -> Bool { state.withLock { $0.everCurrent.contains(number) } }
    }

    final class StopFlag: Sendable {
        private let flag = Atomic(false)
        var isSet: Bool { flag.load(ordering: .relaxed) }
        func set() { flag.store(true, ordering: .relaxed) }
    }

    /// This process's resident set size, from `/proc/self/statm`.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }
}

extension Duration {
    fileprivate var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
