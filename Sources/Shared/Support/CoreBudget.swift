import Foundation

/// How many cores the work on the current thread may spread over: the process's setting outside parallel
/// loops (`BLASThreadCount`, i.e. OPENBLAS_NUM_THREADS, all cores by default) and one inside a `parallelFor`
/// body. So frames spread over the cores never also split their layers, and nothing has to change the
/// process-wide BLAS setting around a parallel loop (which concurrent callers, tests included, would see).
public enum CoreBudget {
    /// Set (to any non-nil value) on a thread while it runs a parallel loop's body.
    private static let insideParallelBody: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    public static var current: Int {
        pthread_getspecific(insideParallelBody) == nil ? BLASThreadCount.current : 1
    }

    /// Runs body with the budget at one core on this thread, restoring what was there.
    @inline(__always)
    static func asParallelBody<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(insideParallelBody)
        pthread_setspecific(insideParallelBody, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(insideParallelBody, previous) }
        return try body()
    }
}
