import Testing
@testable import Shared

/// What the binaries add to their environment before re-running themselves: only what is missing, never
/// over a user's setting, and nothing at all (no re-exec) once it is there.
@Suite struct ProcessStartTests {
    @Test func aShortOpenMPSpinUnlessTheUserChoseAWaitPolicy() {
        #expect(ProcessStart.additions(environment: [:], openBLASCore: "Cooperlake", cpuFlags: [])
                == ["GOMP_SPINCOUNT": ProcessStart.openMPSpinCount])
        #expect(ProcessStart.additions(environment: ["OMP_WAIT_POLICY": "active"], openBLASCore: "Zen", cpuFlags: []) == [:])
        #expect(ProcessStart.additions(environment: ["GOMP_SPINCOUNT": "300000"], openBLASCore: "Zen", cpuFlags: []) == [:])
    }

    @Test func fittingOpenBLASKernelsOnlyWhenItFellBackToGenericOnes() {
        let flags: Set<String> = ["avx2", "fma"]
        let spun = ["GOMP_SPINCOUNT": "1"]
        #expect(ProcessStart.additions(environment: spun, openBLASCore: "Prescott", cpuFlags: flags)
                == ["OPENBLAS_CORETYPE": "Haswell"])
        #expect(ProcessStart.additions(environment: spun.merging(["OPENBLAS_CORETYPE": "Zen"]) { $1 },
                                       openBLASCore: "Prescott", cpuFlags: flags) == [:])
        #expect(ProcessStart.additions(environment: spun, openBLASCore: "Haswell", cpuFlags: flags) == [:])
    }
}
