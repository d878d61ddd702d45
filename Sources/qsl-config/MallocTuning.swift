#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc grows each thread's arena only by what the allocation at hand needs, one
/// `mprotect` call per step: `validate` made about 660 of them, with every thread's first
/// allocations. A 2 MiB top pad lets an arena grow in few, large steps (13 calls) and changes
/// nothing else: the pages are touched, and counted, only when used. `MALLOC_TOP_PAD_` set in
/// the environment wins, as it does for any glibc program.
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
