#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking work (a libcurl exchange, a socket loop, a `credential_process` child) on a thread
/// of its own, so that it never holds one of Swift's cooperative threads: a detached POSIX
/// thread with the default attributes, one per call, as Foundation's `Thread` started it (which
/// would link the whole of swift-corelibs-foundation into the CLI).
enum BlockingThread {
    /// The thread could not be created (`pthread_create` failed: `EAGAIN` when the process is
    /// out of threads or memory).
    struct StartError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "no thread could be started: \(String(cString: strerror(code)))" }
    }

    /// Runs `body` on a new thread and waits for its result without blocking the caller's thread.
    ///
    /// - Throws: What `body` throws, or ``StartError`` when no thread can be started.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try start { continuation.resume(with: Result { try body() }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Starts `body` on a new detached thread.
    static func start(_ body: @escaping @Sendable () -> Void) throws(StartError) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let code = pthread_create(&thread, &attributes, { context in
            #if canImport(Darwin)
            let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
            #else
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            #endif
            body.run()
            return nil
        }, context)
        guard code == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw StartError(code: code)
        }
    }

    /// The closure, boxed to cross `pthread_create`'s context pointer.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
