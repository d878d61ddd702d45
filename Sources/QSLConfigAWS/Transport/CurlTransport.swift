import CLibCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore
import Synchronization

/// ``AWSHTTPTransport`` over libcurl's easy interface, each exchange on a thread of its own.
///
/// What the CLI and ``AWSContext`` use for AWS API calls. libcurl waits in `poll` while an
/// answer is slow to come; swift-corelibs-foundation's `URLSession` over the same libcurl keeps
/// waking up meanwhile and burns most of a core until the answer or the deadline arrives.
///
/// Limits, on every attempt:
/// - `requestTimeout`: the whole exchange, connecting included (libcurl's `CURLOPT_TIMEOUT_MS`);
/// - `idleTimeout`: connecting (`CURLOPT_CONNECTTIMEOUT_MS`), and any stretch in which no byte
///   moves either way (the progress callback, ``Exchange/shouldAbort(downloaded:uploaded:)``);
/// - `maxResponseBytes`: a declared `Content-Length` above it is refused before the body, and a
///   body that grows past it is abandoned.
///
/// Redirects are not followed, only `http` and `https` are spoken, and handles (with their
/// connections) are reused. Cancelling the calling task ends the exchange within a second with
/// `CancellationError`.
public final class CurlTransport: AWSHTTPTransport, Sendable {
    public let idleTimeout: Duration
    public let requestTimeout: Duration
    public let maxResponseBytes: Int
    private let handles = Mutex<[Handle]>([])

    /// - Precondition: both timeouts are positive and `maxResponseBytes` is at least one.
    public init(
        idleTimeout: Duration = AWSTransportDefaults.idleTimeout,
        requestTimeout: Duration = AWSTransportDefaults.requestTimeout,
        maxResponseBytes: Int = AWSTransportDefaults.maxResponseBytes
    ) {
        precondition(idleTimeout > .zero && requestTimeout > .zero, "CurlTransport timeouts must be positive")
        precondition(maxResponseBytes > 0, "CurlTransport maxResponseBytes must be positive")
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
    }

    deinit {
        for handle in handles.withLock({ $0 }) { curl_easy_cleanup(handle.pointer) }
    }

    /// Loads libcurl (`libcurl.so.4`, or `QSL_LIBCURL_PATH` when an operator set it) and runs
    /// `curl_global_init`, once per process, before any handle: the CLI does not link libcurl, so
    /// a command that never calls AWS never loads it. `nil`, or why libcurl could not be loaded
    /// (naming the library and the Debian package to install).
    static func loadLibrary() -> String? {
        LibraryLoaderMessage.failure { qsl_curl_load($0, $1) }
    }

    /// What loading the libcurl at `path` would say, without loading it for the process: `nil`
    /// when it opens and has every function qsl-config calls.
    static func probeLibrary(at path: String) -> String? {
        LibraryLoaderMessage.failure { qsl_curl_probe(path, $0, $1) }
    }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        if let failure = Self.loadLibrary() {
            // Not a network failure: never retried, since the next attempt would fail the same way.
            throw LibraryUnavailableError(library: "libcurl", message: failure)
        }
        let exchange = Exchange(limit: maxResponseBytes, idleTimeout: idleTimeout)
        return try await withTaskCancellationHandler {
            do {
                return try await BlockingThread.run { try self.perform(request, exchange) }
            } catch let error as BlockingThread.StartError {
                throw AWSTransportError(kind: .connectionFailed, host: request.hostHeader, reason: error.description)
            }
        } onCancel: {
            exchange.cancel()
        }
    }

    /// One exchange, blocking its thread.
    private func perform(_ request: AWSHTTPRequest, _ exchange: Exchange) throws -> AWSHTTPResponse {
        let host = request.hostHeader
        guard !exchange.isCancelled else { throw CancellationError() }
        guard let handle = takeHandle() else {
            throw AWSTransportError(kind: .connectionFailed, host: host, reason: "libcurl could not make a handle")
        }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_slist_free_all(headerList)
            curl_easy_reset(handle.pointer)
            handles.withLock { $0.append(handle) }
        }
        let h = handle.pointer
        func check(_ code: CURLcode) throws {
            guard code == CURLE_OK else {
                throw AWSTransportError(kind: .invalidRequest, host: host, reason: String(cString: curl_easy_strerror(code)))
            }
        }
        try check(qsl_curl_set_pointer(h, CURLOPT_URL, request.urlString))
        try check(qsl_curl_set_long(h, CURLOPT_NOSIGNAL, 1))
        try check(qsl_curl_set_long(h, CURLOPT_FOLLOWLOCATION, 0))
        try check(qsl_curl_set_long(h, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS)))
        try check(qsl_curl_set_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(requestTimeout)))
        try check(qsl_curl_set_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(min(idleTimeout, requestTimeout))))
        try check(qsl_curl_set_offset(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)))

        switch request.method {
        case "GET":
            try check(qsl_curl_set_long(h, CURLOPT_HTTPGET, 1))
        case "POST":
            try check(qsl_curl_set_long(h, CURLOPT_POST, 1))
        default:
            try check(qsl_curl_set_pointer(h, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if request.method != "GET" {
            // Copied by libcurl (COPYPOSTFIELDS), so the bytes need not outlive this call.
            try check(qsl_curl_set_offset(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            try request.body.withUnsafeBytes { bytes in
                try check(qsl_curl_set_pointer(h, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)))
            }
        }
        // The request's own headers only: no `Expect: 100-continue`, no default `Accept`.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:", "Accept:"] {
            headerList = curl_slist_append(headerList, line)
        }
        try check(qsl_curl_set_pointer(h, CURLOPT_HTTPHEADER, headerList))

        let context = Unmanaged.passUnretained(exchange).toOpaque()
        try check(qsl_curl_set_data_callback(h, CURLOPT_WRITEFUNCTION, curlWrite))
        try check(qsl_curl_set_pointer(h, CURLOPT_WRITEDATA, context))
        try check(qsl_curl_set_data_callback(h, CURLOPT_HEADERFUNCTION, curlHeader))
        try check(qsl_curl_set_pointer(h, CURLOPT_HEADERDATA, context))
        try check(qsl_curl_set_long(h, CURLOPT_NOPROGRESS, 0))
        try check(qsl_curl_set_progress_callback(h, curlProgress))
        try check(qsl_curl_set_pointer(h, CURLOPT_XFERINFODATA, context))

        let started = ContinuousClock.now
        let code = withExtendedLifetime(exchange) { curl_easy_perform(h) }
        switch code {
        case CURLE_OK:
            return exchange.response(status: Int(qsl_curl_response_code(h)))
        case CURLE_ABORTED_BY_CALLBACK where exchange.wentIdle:
            throw AWSTransportError(kind: .timedOut, host: host, reason: "no byte sent or received for \(idleTimeout)")
        case CURLE_ABORTED_BY_CALLBACK:
            throw CancellationError()
        case CURLE_OPERATION_TIMEDOUT:
            // libcurl's limits are the connect time and the whole exchange (the idle limit is the
            // progress callback's); the time taken tells which one it was.
            let reason = ContinuousClock.now - started >= requestTimeout - .milliseconds(100)
                ? "no complete response within the \(requestTimeout) deadline for the whole exchange"
                : "no connection within \(min(idleTimeout, requestTimeout))"
            throw AWSTransportError(kind: .timedOut, host: host, reason: reason)
        case CURLE_FILESIZE_EXCEEDED:
            throw AWSTransportError(kind: .responseTooLarge, host: host, reason: "the declared body exceeds the limit of \(maxResponseBytes) bytes")
        case CURLE_WRITE_ERROR where exchange.tooLarge:
            throw AWSTransportError(kind: .responseTooLarge, host: host, reason: "the body exceeded the limit of \(maxResponseBytes) bytes and was abandoned")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            throw AWSTransportError(kind: .invalidRequest, host: host, reason: String(cString: curl_easy_strerror(code)))
        default:
            throw AWSTransportError(kind: .connectionFailed, host: host, reason: String(cString: curl_easy_strerror(code)))
        }
    }

    private func takeHandle() -> Handle? {
        if let pooled = handles.withLock({ $0.popLast() }) { return pooled }
        return curl_easy_init().map(Handle.init)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// An easy handle; used by one exchange at a time (taken from and returned to the pool).
    struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    /// What one exchange has received, and whether its caller gave up.
    final class Exchange: @unchecked Sendable {
        // Written only by the exchange's thread while libcurl runs, read by it afterwards; only
        // `cancelled` crosses threads, and it is atomic.
        private var body = Data()
        private var headers = AWSHTTPHeaders()
        fileprivate var tooLarge = false
        private let cancelled = Atomic(false)
        let limit: Int
        /// The idle limit, kept here because libcurl's own (`CURLOPT_LOW_SPEED_*`) judges a
        /// rolling average speed: the request's upload kept a silent exchange "active" for some
        /// seconds, and an idle of 10 s let go after about 17.
        let idleTimeout: Duration
        /// The transfer counts the progress callback last saw, and when they last moved.
        private var lastCounts: (Int64, Int64) = (-1, -1)
        private var lastProgress = ContinuousClock.now
        /// Whether the progress callback ended the exchange for its idle limit.
        fileprivate private(set) var wentIdle = false

        init(limit: Int, idleTimeout: Duration) {
            self.limit = limit
            self.idleTimeout = idleTimeout
        }

        /// Called by libcurl at least once a second: whether to end the exchange now (the
        /// caller gave up, or no byte moved either way for ``idleTimeout``).
        fileprivate func shouldAbort(downloaded: Int64, uploaded: Int64) -> Bool {
            if isCancelled { return true }
            let now = ContinuousClock.now
            if (downloaded, uploaded) != lastCounts {
                lastCounts = (downloaded, uploaded)
                lastProgress = now
                return false
            }
            guard now - lastProgress >= idleTimeout else { return false }
            wentIdle = true
            return true
        }

        func cancel() { cancelled.store(true, ordering: .relaxed) }
        var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

        fileprivate func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
            guard body.count + bytes.count <= limit else {
                tooLarge = true
                return false
            }
            body.append(contentsOf: bytes)
            return true
        }

        fileprivate func header(_ line: Substring) {
            if line.hasPrefix("HTTP/") {
                // A new response (after `100 Continue`, say): its headers replace the last ones.
                headers = AWSHTTPHeaders()
            } else if let colon = line.firstIndex(of: ":") {
                headers.add(
                    name: String(line[..<colon]).trimmingWhitespace(),
                    value: String(line[line.index(after: colon)...]).trimmingWhitespace())
            }
        }

        func response(status: Int) -> AWSHTTPResponse {
            AWSHTTPResponse(status: status, headers: headers, body: Array(body))
        }
    }
}

private func curlWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let exchange = Unmanaged<CurlTransport.Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard exchange.append(UnsafeRawBufferPointer(start: data, count: length)) else { return 0 }
    return length
}

private func curlHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context, let data else { return 0 }
    let exchange = Unmanaged<CurlTransport.Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    exchange.header(line.trimmingNewlines()[...])
    return length
}

private func curlProgress(_ context: UnsafeMutableRawPointer?, _: curl_off_t, _ downloaded: curl_off_t, _: curl_off_t, _ uploaded: curl_off_t) -> Int32 {
    guard let context else { return 0 }
    let exchange = Unmanaged<CurlTransport.Exchange>.fromOpaque(context).takeUnretainedValue()
    return exchange.shouldAbort(downloaded: Int64(downloaded), uploaded: Int64(uploaded)) ? 1 : 0
}
