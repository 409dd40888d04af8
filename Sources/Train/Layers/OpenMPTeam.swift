import CDNNL

/// Runs training's own parallel loops (the GRU time loop, split by sequences; Adam's update of the first
/// GRU's 1 MB kernel) on the OpenMP team that oneDNN's GEMMs use: between GEMMs its threads are still
/// spinning, so a region starts within microseconds, and no second pool of threads competes with them for
/// the cores (the helper team of `parallelFor` did, and lost the gain).
enum OpenMPTeam {
    /// body(part, parts) on `threads` threads (the caller is part 0); returns when every part has run.
    static func run(threads: Int, _ body: (_ part: Int, _ parts: Int) -> Void) {
        guard threads > 1 else { return body(0, 1) }
        withoutActuallyEscaping(body) { body in
            withUnsafePointer(to: body) { pointer in
                GOMP_parallel({ context in
                    let body = context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee
                    body(Int(omp_get_thread_num()), Int(omp_get_num_threads()))
                }, UnsafeMutableRawPointer(mutating: pointer), UInt32(threads), 0)
            }
        }
    }
}
