import CBLAS
import CDNNL

/// Row-major single-precision GEMM, C[m, n] = alpha * op(A) op(B) + beta * C, named so call sites read as maths.
/// It runs on oneDNN's sgemm: on 2 Zen 4 cores it reaches ~225 GFLOPS on the head's large shapes
/// ([rows, 1280] x [1280, 192] and its transposes) where OpenBLAS 0.3.21 reaches ~135-200. The recurrent
/// step's tiny products do not come here: `GRURecurrence` fuses them into the gate maths.
/// Its results do not depend on the thread count for these shapes (checked for 1 and 2 threads), so a sweep's
/// one-thread jobs train the same heads as a single run.
enum Matrix {
    /// `a` is [m, k] (or [k, m] when `transposeA`), `b` is [k, n] (or [n, k] when `transposeB`), `c` is [m, n].
    static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
                         m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                         accumulate: Bool = false) {
        guard m > 0, n > 0, k > 0 else {
            if !accumulate { for i in 0..<(m * n) { c[i] = 0 } }
            return
        }
        // The BLAS thread count is how many cores this training may use (a sweep's jobs set it to one each);
        // OpenMP's count belongs to the calling thread, so setting it here keeps concurrent trainings apart.
        omp_set_num_threads(openblas_get_num_threads())
        let status = dnnl_sgemm(transposeA ? 84 : 78, transposeB ? 84 : 78,  // "T" : "N"
                                Int64(m), Int64(n), Int64(k), 1, a, Int64(transposeA ? m : k),
                                b, Int64(transposeB ? k : n), accumulate ? 1 : 0, c, Int64(n))
        precondition(status == dnnl_success, "oneDNN sgemm failed (status \(status.rawValue)) for [\(m), \(k)] x [\(k), \(n)]")
    }

    /// Convenience over arrays: returns a fresh [m, n]. Not zero-filled first: beta = 0 overwrites every element
    /// (and `multiply` zeroes an empty product), which saves a pass over e.g. a 1 MB kernel gradient per batch.
    static func product(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
                        transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        [Float](unsafeUninitializedCapacity: m * n) { pc, initialized in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    if m * n > 0 {
                        multiply(pa.baseAddress!, pb.baseAddress!, into: pc.baseAddress!, m: m, n: n, k: k,
                                 transposeA: transposeA, transposeB: transposeB)
                    }
                }
            }
            initialized = m * n
        }
    }

    /// An array whose every element the caller writes before anything reads it (saves a zero-filling pass).
    static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// The [cols, rows] transpose of a [rows, cols] matrix.
    static func transpose(_ a: [Float], rows: Int, cols: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * cols) { t, initialized in
            a.withUnsafeBufferPointer { a in
                for r in 0..<rows {
                    for c in 0..<cols { t[c * rows + r] = a[r * cols + c] }
                }
            }
            initialized = rows * cols
        }
    }

    /// Column sums of a [rows, cols] matrix (bias gradients), row by row, eight columns at a time.
    static func columnSums(_ a: [Float], rows: Int, cols: Int) -> [Float] {
        var sums = [Float](repeating: 0, count: cols)
        sums.withUnsafeMutableBufferPointer { s in
            a.withUnsafeBufferPointer { a in
                let s = s.baseAddress!, a = a.baseAddress!
                var c = 0
                while c < cols {
                    let n = min(8, cols - c)
                    var sum = Lanes()
                    for r in 0..<rows { sum += Lanes.load(a + (r &* cols &+ c), count: n) }
                    sum.store(s + c, count: n)
                    c += 8
                }
            }
        }
        return sums
    }
}
