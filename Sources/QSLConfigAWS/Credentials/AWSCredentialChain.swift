#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// The AWS SDKs' default credential chain, with caching and early refresh.
///
/// Order: explicit credentials → the profile named with `--profile` (an explicit choice beats the
/// environment, as in the AWS CLI) → environment (`AWS_ACCESS_KEY_ID`, ...) → web identity
/// (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`) → the profile from `AWS_PROFILE` or
/// `default` → ECS container credentials → EC2 instance metadata (IMDSv2).
///
/// The first source that has credentials is remembered. Temporary credentials are refreshed
/// from that source in the five minutes before they expire, without making anyone wait: inside
/// that window callers keep getting the cached credentials, which are still valid, while one
/// refresh runs in the background. Only once the credentials have expired (or before the first
/// ones) do callers wait, and then all of them share one refresh. If a refresh fails while the
/// old credentials are still valid, those are returned.
///
/// Build one through ``AWSContext``, which reads the environment and the shared files.
public final class AWSCredentialChain: AWSCredentialsProvider {
    /// How long before expiry temporary credentials are refreshed.
    public static let refreshWindow: TimeInterval = 5 * 60

    private struct State {
        var cached: AWSCredentials?
        var chosen: Int?
        var refresh: Task<AWSCredentials, any Error>?
    }

    private let sources: [any CredentialSource]
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())

    init(sources: [any CredentialSource], now: @escaping @Sendable () -> Date, logger: Logger) {
        self.sources = sources
        self.now = now
        self.logger = logger
    }

    public func credentials() async throws -> AWSCredentials {
        enum Step { case ready(AWSCredentials), wait(Task<AWSCredentials, any Error>) }
        let instant = now()
        let step: Step = state.withLock { state in
            if let cached = state.cached, !Self.needsRefresh(cached, at: instant) { return .ready(cached) }
            if let cached = state.cached, let expiration = cached.expiration, expiration > instant {
                // Inside the refresh window: still valid, so refresh in the background (once).
                if state.refresh == nil { state.refresh = startRefresh(chosen: state.chosen, background: true) }
                return .ready(cached)
            }
            if let running = state.refresh { return .wait(running) }
            let task = startRefresh(chosen: state.chosen, background: false)
            state.refresh = task
            return .wait(task)
        }
        switch step {
        case .ready(let credentials):
            return credentials
        case .wait(let task):
            do {
                return try await task.value
            } catch {
                let stillValid = state.withLock { state -> AWSCredentials? in
                    guard let cached = state.cached, let expiration = cached.expiration, expiration > self.now() else { return nil }
                    return cached
                }
                guard let stillValid else { throw error }
                logger.warning("credential refresh failed; using credentials that are still valid", metadata: ["source": "\(stillValid.source)"])
                return stillValid
            }
        }
    }

    /// A refresh of its own (not the caller's task, so a caller that is cancelled does not cancel
    /// it for everyone else). A background refresh that fails only logs: the cached credentials
    /// stay in use, and the next caller starts another refresh.
    private func startRefresh(chosen: Int?, background: Bool) -> Task<AWSCredentials, any Error> {
        Task {
            do {
                return try await self.reload(chosen: chosen)
            } catch {
                if background {
                    self.logger.warning("background credential refresh failed; the cached credentials stay in use until they expire")
                }
                throw error
            }
        }
    }

    static func needsRefresh(_ credentials: AWSCredentials, at instant: Date) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(instant) <= refreshWindow
    }

    private func reload(chosen: Int?) async throws -> AWSCredentials {
        do {
            let (index, credentials) = try await resolve(preferring: chosen)
            state.withLock {
                $0.cached = credentials
                $0.chosen = index
                $0.refresh = nil
            }
            logger.debug("resolved AWS credentials", metadata: ["source": "\(credentials.source)"])
            return credentials
        } catch {
            state.withLock { $0.refresh = nil }
            throw error
        }
    }

    private func resolve(preferring chosen: Int?) async throws -> (Int, AWSCredentials) {
        if let chosen, case .found(let credentials) = try await sources[chosen].load() {
            return (chosen, credentials)
        }
        var tried: [String] = []
        for (index, source) in sources.enumerated() {
            switch try await source.load() {
            case .found(let credentials): return (index, credentials)
            case .notConfigured(let reason): tried.append("\(source.name): \(reason)")
            }
        }
        throw AWSCredentialsError(
            .notFound, source: nil,
            "No AWS credentials found (tried \(tried.joined(separator: "; "))); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with --profile or AWS_PROFILE, or run where a role is attached.")
    }
}
