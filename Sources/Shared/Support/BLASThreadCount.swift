import CBLAS

/// OpenBLAS's process-wide thread count, which is also how many threads training's oneDNN GEMMs use
/// (`Matrix`; `OPENBLAS_NUM_THREADS` sets both). Callers that split work over the cores themselves (a batch's
/// frames, a sweep's trainings) want one thread each: nested threads would oversubscribe the cores. The count
/// changes speed only, not a bit of a result: OpenBLAS splits GEMMs over rows and columns, never the inner
/// sum, and oneDNN's results on a head's shapes are tested to be the same on 1 and 2 threads.
public enum BLASThreadCount {
    public static var current: Int { Int(openblas_get_num_threads()) }

    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(count, 1)))
    }

    /// Runs body with OpenBLAS limited to one thread, restoring the previous count afterwards.
    /// The setting is process-wide, so concurrent callers may see each other's count (a speed effect only).
    public static func withOne<T>(_ body: () throws -> T) rethrows -> T {
        let previous = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }
}
