import Foundation
@testable import Shared
import Testing

/// The numerical suites again under every OpenBLAS kernel family and oneDNN ISA cap this CPU can run, as
/// another CPU would pick them (a Zen 4 takes other kernels than a Sapphire Rapids Xeon): the test binary runs
/// itself once per variant with OPENBLAS_CORETYPE or DNNL_MAX_CPU_ISA set, and each run must pass. The
/// backbones run our own kernels only; training's GEMMs run on oneDNN, so the train suites cover its ISAs.
@Suite(.serialized) struct KernelVariantTests {
    /// Set in the runs this test starts (so they do not start it again) to the variant they run.
    static let variantVariable = "DEEPFAKE_KERNEL_VARIANT"
    static let variant = ProcessInfo.processInfo.environment[variantVariable]

    /// Suites whose results depend on floating-point kernels.
    static let extractSuites = ["ConvolutionTests", "InvertedResidualBandTests", "PaddedPatchProductTests",
                                "Winograd3x3Tests", "BackboneTests", "LayerTests", "KernelVariantTests"]
    static let trainSuites = ["TrainerTests", "GRURecurrenceSplitTests", "LayerGradientTests", "HeadReferenceTests",
                              "HeadGradientTests", "GRUKerasSemanticsTests", "KernelVariantTests"]

    /// OpenBLAS kernel families in Debian's 0.3.21 and the CPU flags each needs.
    static let openBLASCores: [(name: String, flags: [String])] = [
        ("Sandybridge", ["avx"]), ("Haswell", ["avx2", "fma"]), ("Zen", ["avx2", "fma"]),
        ("SkylakeX", ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]),
        ("Cooperlake", ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx512_bf16"]),
    ]
    /// oneDNN 2.6 ISA caps and the CPU flags each needs (unset: its best, AMX on a Sapphire Rapids).
    static let oneDNNCaps: [(name: String, flags: [String])] = [
        ("SSE41", ["sse4_1"]), ("AVX2", ["avx2", "fma"]),
        ("AVX512_CORE", ["avx512f", "avx512bw", "avx512vl", "avx512dq"]),
    ]

    @Test(.enabled(if: variant == nil))
    func numericalSuitesPassUnderEveryKernelFamilyTheCPUCanRun() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = OpenBLASKernels.cpuFlags(cpuinfo: cpuinfo)
        var ran = 0
        for core in Self.openBLASCores where core.flags.allSatisfy(flags.contains) {
            try runSuites(Self.extractSuites, variable: "OPENBLAS_CORETYPE", value: core.name)
            ran += 1
        }
        for cap in Self.oneDNNCaps where cap.flags.allSatisfy(flags.contains) {
            try runSuites(Self.trainSuites, variable: "DNNL_MAX_CPU_ISA", value: cap.name)
            ran += 1
        }
        #expect(ran >= 2, "no kernel variant runs on this CPU")
    }

    /// In a variant run: the OpenBLAS kernels asked for are the ones running.
    @Test(.enabled(if: variant?.hasPrefix("OPENBLAS_CORETYPE=") == true))
    func theRequestedOpenBLASKernelsRun() {
        #expect("OPENBLAS_CORETYPE=" + OpenBLASKernels.coreName == Self.variant)
    }

    private func runSuites(_ suites: [String], variable: String, value: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--testing-library", "swift-testing"] + suites.flatMap { ["--filter", "[.]\($0)/"] }
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = value
        environment[Self.variantVariable] = "\(variable)=\(value)"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.runFenced()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let summary = text.split(separator: "\n").last { $0.contains("Test run with") } ?? "no summary line"
        #expect(process.terminationStatus == 0, "\(variable)=\(value): \(summary)\n\(failures(in: text))")
        #expect(summary.contains("passed"), "\(variable)=\(value): \(summary)")
    }

    /// The failing lines of a run's output, for the message.
    private func failures(in text: String) -> String {
        text.split(separator: "\n").filter { $0.contains("✘") }.prefix(10).map { String($0.prefix(300)) }
            .joined(separator: "\n")
    }
}
