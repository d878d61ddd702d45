import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Work on a thread of its own: blocking work (a libcurl exchange, a socket loop, a
/// `credential_process` child) that must never hold one of Swift's cooperative threads, and
/// long work that must start at once rather than when the cooperative pool gets a thread for
/// it (``ThreadResult``). A detached POSIX thread with the default attributes, one per call, as
/// Foundation's `Thread` started it (which would link the whole of swift-corelibs-foundation into
/// the CLI).
public enum BlockingThread {
    /// The thread could not be created (`pthread_create` failed: `EAGAIN` when the process is
    /// out of threads or memory).
    public struct StartError: Error, CustomStringConvertible {
        public var code: Int32
        public var description: String { "no thread could be started: \(String(cString: strerror(code)))" }
    }

    /// Runs `body` on a new thread and waits for its result without blocking the caller's thread.
    ///
    /// - Throws: What `body` throws, or ``StartError`` when no thread can be started.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try start { continuation.resume(with: Result { try body() }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Starts `body` on a new detached thread.
    public static func start(_ body: @escaping @Sendable () -> Void) throws(StartError) {
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

/// A value computed on a thread of its own, started when this is made; ``value`` waits for it
/// without blocking a thread.
///
/// Swift's cooperative pool starts its threads as work arrives, and on Linux a second one can
/// take a millisecond or two to come: work that should use an idle core at once (`validate`
/// compiling schemas while it reads the catalogue) is started here instead. When no thread can
/// be started, the work runs where this is made.
///
/// ```swift
/// let compiled = ThreadResult { compileSchemas() }
/// readFiles()
/// let validators = await compiled.value
/// ```
public final class ThreadResult<Value: Sendable>: Sendable {
    private enum State {
        case running(waiting: [CheckedContinuation<Value, Never>])
        case done(Value)
    }

    private let state = Mutex<State>(.running(waiting: []))

    /// Starts `body` on a new thread (or, failing that, runs it now).
    public init(_ body: @escaping @Sendable () -> Value) {
        do {
            try BlockingThread.start { self.finish(body()) }
        } catch {
            finish(body())
        }
    }

    /// The value, once `body` has returned.
    public var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let ready: Value? = state.withLock { state in
                    switch state {
                    case .done(let value):
                        return value
                    case .running(var waiting):
                        waiting.append(continuation)
                        state = .running(waiting: waiting)
                        return nil
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private func finish(_ value: Value) {
        let waiting = state.withLock { state -> [CheckedContinuation<Value, Never>] in
            guard case .running(let waiting) = state else { return [] }
            state = .done(value)
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: value) }
    }
}
