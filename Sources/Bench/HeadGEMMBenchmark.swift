import CBLAS
import CDNNL
import Foundation

/// The two products that dominate a head's epoch (the first GRU's input projection [rows, 1280] x [1280, 192]
/// and its weight gradient [1280, rows] x [rows, 192]) through oneDNN's sgemm, which `train` uses, or
/// through OpenBLAS's cblas_sgemm: the measurement behind Train's choice of GEMM. One library per process:
/// each keeps its idle threads spinning for a while after a call, which would slow the other down.
struct HeadGEMMBenchmark {
    enum Library: String, Encodable { case oneDNN = "onednn", openBLAS = "openblas" }
    let library: Library
    let rows: Int
    let repeats: Int
    let inputs = 1280, gates = 192

    struct Result: Encodable {
        let library: Library
        let rows: Int
        let threads: Int
        let secondsPerRun: [Double]
        let gflops: Double
    }

    func run() -> Result {
        let x = RandomMatrix.uniform(count: rows * inputs), w = RandomMatrix.uniform(count: inputs * gates)
        let g = RandomMatrix.uniform(count: rows * gates)
        var projection = [Float](repeating: 0, count: rows * gates)
        var gradient = [Float](repeating: 0, count: inputs * gates)
        let threads = Int(openblas_get_num_threads())
        omp_set_num_threads(Int32(threads))
        let (m, k, n) = (Int64(rows), Int64(inputs), Int64(gates))
        func oneDNN() {
            _ = dnnl_sgemm(78, 78, m, n, k, 1, x, k, w, n, 0, &projection, n)       // "N", "N"
            _ = dnnl_sgemm(84, 78, k, n, m, 1, x, k, g, n, 0, &gradient, n)         // "T", "N"
        }
        func openBLAS() {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, x, Int32(k),
                        w, Int32(n), 0, &projection, Int32(n))
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(n), Int32(m), 1, x, Int32(k),
                        g, Int32(n), 0, &gradient, Int32(n))
        }
        // 20 pairs of products per timed run.
        let times = Timing.runs(repeats: repeats) { for _ in 0..<20 { library == .oneDNN ? oneDNN() : openBLAS() } }
        let flops = 20 * 2 * 2 * Double(rows) * Double(inputs) * Double(gates)
        return Result(library: library, rows: rows, threads: threads, secondsPerRun: times,
                      gflops: flops / Timing.median(times) / 1e9)
    }
}
