import CBLAS

/// Row-major single-precision GEMM, C[m, n] = alpha * op(A) op(B) + beta * C, named so call sites read as maths.
/// Shapes are always the same for the same model and batch, so OpenBLAS takes the same code path each time.
enum Matrix {
    /// `a` is [m, k] (or [k, m] when `transposeA`), `b` is [k, n] (or [n, k] when `transposeB`), `c` is [m, n].
    static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
                         m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                         accumulate: Bool = false) {
        guard m > 0, n > 0, k > 0 else {
            if !accumulate { for i in 0..<(m * n) { c[i] = 0 } }
            return
        }
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), accumulate ? 1 : 0, c, Int32(n))
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

    /// Column sums of a [rows, cols] matrix (bias gradients).
    static func columnSums(_ a: [Float], rows: Int, cols: Int) -> [Float] {
        var sums = [Float](repeating: 0, count: cols)
        sums.withUnsafeMutableBufferPointer { s in
            a.withUnsafeBufferPointer { a in
                for r in 0..<rows {
                    for c in 0..<cols { s[c] += a[r * cols + c] }  // row by row: the same sum order as before
                }
            }
        }
        return sums
    }
}
