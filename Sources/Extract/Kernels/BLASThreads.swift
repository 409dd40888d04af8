import CBLAS

/// Runs body with OpenBLAS limited to one thread, restoring the previous count afterwards.
/// For callers that parallelise over frames themselves: nested BLAS threads would oversubscribe the cores.
/// The setting is process-wide, so concurrent callers may see each other's count (a speed effect only).
public func withSingleThreadedBLAS<T>(_ body: () -> T) -> T {
    let previous = openblas_get_num_threads()
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(previous) }
    return body()
}
