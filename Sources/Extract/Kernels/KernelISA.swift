import CKernels
import Foundation

/// The instruction set the backbones' 1x1 layers and depthwise interiors run on: AVX-512 where the CPU has it
/// (Zen 4, Xeon since Skylake-SP), the x86-64-v3 AVX2 kernels otherwise. Both compute every output as the same FMA chain in the same
/// order, so the choice changes speed, never a bit. `DEEPFAKE_KERNELS=avx2` forces the AVX2 tiles (tests and
/// `make bench` compare the two on one machine).
public enum KernelISA: String, Sendable {
    case avx2 = "AVX2"
    case avx512 = "AVX-512"

    public static let active: KernelISA = {
        if ProcessInfo.processInfo.environment["DEEPFAKE_KERNELS"]?.lowercased() == "avx2" { return .avx2 }
        return avx512Available ? .avx512 : .avx2
    }()

    /// Whether this CPU can run the AVX-512 kernels at all (tests run both where it can).
    static let avx512Available = dfh_cpu_has_avx512() != 0
}
