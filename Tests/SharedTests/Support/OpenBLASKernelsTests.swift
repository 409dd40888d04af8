import Foundation
import Testing
@testable import Shared

/// Which OpenBLAS kernels the binaries ask for: only a generic fallback on a CPU with better kernels changes.
@Suite struct OpenBLASKernelsTests {
    static let avx512: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
                                      "avx512cd"]

    @Test func genericFallbackOnAnAVX512CPUGetsSkylakeXKernels() {
        #expect(OpenBLASKernels.preferredCore(detected: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
    }

    @Test func genericFallbackOnAnAVX2CPUGetsHaswellKernels() {
        #expect(OpenBLASKernels.preferredCore(detected: "Prescott", cpuFlags: ["avx", "avx2", "fma"]) == "Haswell")
        // AVX-512 F alone (no BW/VL/DQ, like Knights Landing) is not enough for the SkylakeX kernels.
        #expect(OpenBLASKernels.preferredCore(detected: "Core2", cpuFlags: ["avx2", "fma", "avx512f"]) == "Haswell")
    }

    @Test func recognisedCoresAndOldCPUsAreLeftAlone() {
        for core in ["Cooperlake", "SkylakeX", "Haswell", "Zen", "Sandybridge"] {
            #expect(OpenBLASKernels.preferredCore(detected: core, cpuFlags: Self.avx512) == nil, "\(core)")
        }
        #expect(OpenBLASKernels.preferredCore(detected: "Prescott", cpuFlags: ["sse3", "avx"]) == nil)
    }

    @Test func flagsAreReadFromCpuinfo() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2 fma avx512f\nbugs\t\t: none\n"
        #expect(OpenBLASKernels.cpuFlags(cpuinfo: cpuinfo) == ["fpu", "sse2", "avx2", "fma", "avx512f"])
        #expect(OpenBLASKernels.cpuFlags(cpuinfo: "no flags here") == [])
    }
}
