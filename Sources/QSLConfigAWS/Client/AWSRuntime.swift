#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import QSLConfigCore

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

    /// The whole-exchange deadline of metadata and container credentials requests.
    static let metadataRequestTimeout: Duration = .seconds(5)

    /// The real network: ``CurlTransport`` for API calls (a `requestTimeout` deadline per
    /// attempt, 30 s unless `QSL_HTTP_TIMEOUT` set one; 16 MiB bodies) and for the metadata
    /// endpoints (1 s idle, 5 s or the shorter `requestTimeout` per attempt; 64 KiB bodies; plain
    /// HTTP over qsl-config's own socket client, ``PlainHTTPTransport``, and HTTPS over libcurl:
    /// neither busy-polls while it waits). libcurl is loaded at the first request that needs it.
    static func live(retry: RetryStrategy, requestTimeout: Duration? = nil, logger: Logger = Logger(label: "qsl-config.aws")) -> AWSRuntime {
        let apiDeadline = requestTimeout ?? AWSTransportDefaults.requestTimeout
        return AWSRuntime(
            transport: CurlTransport(
                idleTimeout: max(.seconds(1), min(AWSTransportDefaults.idleTimeout, apiDeadline)),
                requestTimeout: apiDeadline),
            metadataTransport: MetadataTransport(
                plain: PlainHTTPTransport(
                    idleTimeout: .seconds(1), requestTimeout: min(metadataRequestTimeout, apiDeadline),
                    maxResponseBytes: AWSTransportDefaults.metadataMaxResponseBytes),
                secure: CurlTransport(
                    idleTimeout: .seconds(1), requestTimeout: min(metadataRequestTimeout, apiDeadline),
                    maxResponseBytes: AWSTransportDefaults.metadataMaxResponseBytes)),
            retry: retry,
            logger: logger)
    }

    /// Reads `QSL_HTTP_TIMEOUT`: the whole-exchange deadline of each AWS request attempt, in
    /// seconds (a decimal number from 1 to 3600); `nil` when it is not set.
    static func requestTimeout(environment: [String: String]) throws(AWSConfigurationError) -> Duration? {
        guard let raw = environment["QSL_HTTP_TIMEOUT"] else { return nil }
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let seconds = Double(text),
            seconds >= 1, seconds <= 3600
        else {
            throw AWSConfigurationError(
                .invalidSetting, "QSL_HTTP_TIMEOUT is `\(raw)`; set it to a number of seconds from 1 to 3600 (for example 10 or 2.5).")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// The metadata endpoints' transport: plain http over qsl-config's socket client, https over
/// libcurl (an https `AWS_CONTAINER_CREDENTIALS_FULL_URI`).
struct MetadataTransport: AWSHTTPTransport {
    let plain: PlainHTTPTransport
    let secure: CurlTransport

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        request.scheme == "https" ? try await secure.send(request) : try await plain.send(request)
    }
}
