import CBLAS

/// OpenBLAS's process-wide thread count. Trainings run side by side (a sweep's jobs) want one thread each:
/// a head's GEMMs are small, and nested BLAS threads would oversubscribe the cores. OpenBLAS splits GEMMs
/// over rows and columns, never the inner sum, so the count changes speed only, not a single bit of a result.
public enum BLASThreadCount {
    public static var current: Int { Int(openblas_get_num_threads()) }

    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(count, 1)))
    }
}
