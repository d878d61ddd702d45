#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc grows each thread's arena only by what the allocation at hand needs, one
/// `mprotect` call per step: `validate` made about 660 of them, with every thread's first
/// allocations. A 2 MiB top pad lets an arena grow in few, large steps (13 calls); the pages are
/// touched, and counted, only when used. `MALLOC_TOP_PAD_` set in the environment wins, as it
/// does for any glibc program.
///
/// One side effect: setting any of malloc's thresholds by `mallopt` turns off glibc's dynamic
/// mmap threshold, so every block of 128 KiB or more is its own `mmap` for the rest of the run
/// (glibc would otherwise raise the threshold after the first such block is freed). Measured on
/// large inputs with `scripts/bench-scaling.sh` (the resolve and validate cases at N, 2N and 4N,
/// with and without the pad, alternately): CPU seconds differ by no more than the runs' own
/// spread (about 5%, in both directions), and the 100,000-element array's maximum RSS grows by
/// 424 bytes per element with the pad against 400 without. Fixing the threshold high
/// (`M_MMAP_THRESHOLD` of 32 MiB) was no faster and took 564 bytes per element, so it is left
/// at glibc's 128 KiB.
enum MallocTuning {
    /// glibc's `M_TOP_PAD` parameter of `mallopt(3)` (`<malloc.h>`, which Swift does not import).
    static let topPadParameter: Int32 = -2
    static let topPad: Int32 = 2 << 20

    static func apply() {
        #if canImport(Glibc)
        guard getenv("MALLOC_TOP_PAD_") == nil, let symbol = dlsym(nil, "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(topPadParameter, topPad)
        #endif
    }
}
