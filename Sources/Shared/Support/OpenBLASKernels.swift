import CBLAS
import Foundation

/// OpenBLAS chooses its kernels once, when the library loads, from the CPU model. Debian's 0.3.21 does not
/// know some recent CPUs (AVX-512 Xeons among them) and falls back to its generic "Prescott" kernels, a fifth
/// of the speed. `ProcessStart.prepare()` then runs the process again, once, with OPENBLAS_CORETYPE naming
/// the kernels the CPU's features allow. The kernels change speed, not results beyond float rounding (the
/// backbone reference tests pass under each). A user-set OPENBLAS_CORETYPE always wins.
public enum OpenBLASKernels {
    /// The kernel family OpenBLAS picked for this process ("Cooperlake", "Haswell", "Prescott", ...).
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// OpenBLAS's fallbacks for CPUs it does not recognise: pre-AVX kernels.
    static let genericCores: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom",
                                            "Barcelona", "Opteron", "Opteron_SSE3", "unknown"]

    /// The kernels to ask for, or nil when OpenBLAS's own choice stands: only a generic fallback on a CPU
    /// with AVX2 + FMA (Haswell kernels) or AVX-512 F/BW/VL/DQ/CD (SkylakeX kernels) is replaced.
    static func preferredCore(detected: String, cpuFlags: Set<String>) -> String? {
        guard genericCores.contains(detected) else { return nil }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(cpuFlags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags from /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
