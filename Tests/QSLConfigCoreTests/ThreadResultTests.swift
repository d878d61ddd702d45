import QSLConfigCore
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("work started on a thread of its own")
struct ThreadResultTests {
    final class Flags: Sendable {
        let release = Atomic<Bool>(false)
        let started = Atomic<Bool>(false)
    }

    @Test("the work starts at once on another thread, every waiter gets its value, and a late waiter too")
    func valueForEveryWaiter() async {
        let caller = pthread_self()
        let flags = Flags()
        let result = ThreadResult { () -> Bool in
            flags.started.store(true, ordering: .relaxed)
            // Runs while nobody awaits it yet: it must not need the awaiting task to start.
            while !flags.release.load(ordering: .relaxed) { usleep(200) }
            return pthread_equal(pthread_self(), caller) == 0
        }
        var waited = 0
        while !flags.started.load(ordering: .relaxed) && waited < 10_000 {
            usleep(1000)
            waited += 1
        }
        let didStart = flags.started.load(ordering: .relaxed)
        #expect(didStart, "the work started before anyone awaited it")
        async let first = result.value
        async let second = result.value
        flags.release.store(true, ordering: .relaxed)
        let values = await [first, second]
        #expect(values == [true, true], "both waiters got the value computed on another thread")
        #expect(await result.value == true, "a waiter after the end gets it at once")
    }
}
