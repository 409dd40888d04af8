import CBLAS
import Foundation
import Shared

/// float32 C = A B with square n x n matrices through the OpenBLAS the project links (cblas_sgemm).
/// OpenBLAS picks its kernels at load time (OPENBLAS_CORETYPE overrides), so the harness runs this
/// command once per environment and reports the core name it got.
struct GEMMBenchmark {
    let size: Int
    let repeats: Int

    struct Result: Encodable {
        let size: Int
        let threads: Int
        let coreName: String
        let secondsPerRun: [Double]
        let gflops: Double
    }

    func run() -> Result {
        let n = size
        let a = RandomMatrix.uniform(count: n * n), b = RandomMatrix.uniform(count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        let times = Timing.runs(repeats: repeats) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                        1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
        }
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return Result(size: n, threads: Int(openblas_get_num_threads()), coreName: OpenBLASKernels.coreName,
                      secondsPerRun: times, gflops: flops / Timing.median(times) / 1e9)
    }
}

/// What OpenBLAS says about itself at run time.
enum OpenBLASInfo {
    static var configuration: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }
}
