import CBLAS

/// OpenBLAS's process-wide thread count, which is also how many threads training's oneDNN GEMMs use
/// (`Matrix`; `OPENBLAS_NUM_THREADS` sets both), and the cores a backbone may use (`CoreBudget`). A sweep
/// training heads side by side sets it to one, as nested threads would oversubscribe the cores. The count
/// changes speed only, not a bit of a result: OpenBLAS splits GEMMs over rows and columns, never the inner
/// sum, and oneDNN's results on a head's shapes are tested to be the same on 1 and 2 threads.
public enum BLASThreadCount {
    public static var current: Int { Int(openblas_get_num_threads()) }

    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(count, 1)))
    }
}
