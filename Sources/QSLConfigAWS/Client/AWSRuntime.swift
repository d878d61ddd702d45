import Foundation
import Logging

/// The seams every AWS call goes through: network, clock, randomness, sleeping, logging.
///
/// Production code gets the real ones from ``AWSContext/init(profile:region:endpointURL:credentials:environment:logger:)``;
/// tests pass a scripted transport, a fixed clock and a sleep that only records.
package struct AWSRuntime: Sendable {
    package var transport: any AWSHTTPTransport
    /// For the container and instance metadata endpoints: short timeouts, since on a machine
    /// without them the chain should move on quickly.
    package var metadataTransport: any AWSHTTPTransport
    package var retry: RetryStrategy
    package var sleep: @Sendable (Duration) async throws -> Void
    package var now: @Sendable () -> Date
    /// A uniform random number in `[0, 1)`, for backoff jitter.
    package var random: @Sendable () -> Double
    package var logger: Logger

    package init(
        transport: any AWSHTTPTransport,
        metadataTransport: (any AWSHTTPTransport)? = nil,
        retry: RetryStrategy = RetryStrategy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "qsl-config.aws")
    ) {
        self.transport = transport
        self.metadataTransport = metadataTransport ?? transport
        self.retry = retry
        self.sleep = sleep
        self.now = now
        self.random = random
        self.logger = logger
    }

    /// The real network: ``URLSessionTransport`` with default timeouts for API calls and
    /// 1 s / 5 s for the metadata endpoints.
    static func live(retry: RetryStrategy, logger: Logger) -> AWSRuntime {
        AWSRuntime(
            transport: URLSessionTransport(),
            metadataTransport: URLSessionTransport(connectTimeout: .seconds(1), requestTimeout: .seconds(5)),
            retry: retry,
            logger: logger)
    }
}
