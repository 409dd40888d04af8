import Foundation

/// Settings that libraries read once, when they load, before main runs: the binaries call `prepare()` first
/// thing, which runs the process again, once, with the missing ones in its environment. A user's own setting
/// of any of these variables always wins.
public enum ProcessStart {
    /// GNU OpenMP (training's oneDNN GEMMs and Adam's split) lets a waiting thread spin 300,000 PAUSEs before
    /// it sleeps: milliseconds on a Sapphire Rapids, whose PAUSE takes ~140 cycles. When another process wants a
    /// core, that spinning takes the core from it and from our other thread: a batch-8 epoch went from 0.04 s
    /// (one thread) to 0.6-1.2 s (two threads) beside one busy process. A short spin keeps the quiet speed
    /// (threads still catch back-to-back regions) and sleeps soon after.
    static let openMPSpinCount = "1000"

    /// What to add to `environment` (empty: nothing to do).
    static func additions(environment: [String: String], openBLASCore: String, cpuFlags: Set<String>) -> [String: String] {
        var wanted: [String: String] = [:]
        if environment["OPENBLAS_CORETYPE"] == nil,
           let core = OpenBLASKernels.preferredCore(detected: openBLASCore, cpuFlags: cpuFlags) {
            wanted["OPENBLAS_CORETYPE"] = core
        }
        if environment["GOMP_SPINCOUNT"] == nil && environment["OMP_WAIT_POLICY"] == nil {
            wanted["GOMP_SPINCOUNT"] = openMPSpinCount
        }
        return wanted
    }

    /// Re-executes this program with the settings it lacks; returns normally when there are none (or if exec
    /// fails, going on with the libraries' defaults).
    public static func prepare() {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let wanted = additions(environment: ProcessInfo.processInfo.environment,
                               openBLASCore: OpenBLASKernels.coreName,
                               cpuFlags: OpenBLASKernels.cpuFlags(cpuinfo: cpuinfo))
        guard !wanted.isEmpty else { return }
        for (name, value) in wanted { setenv(name, value, 1) }  // also stops a second re-exec
        var arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &arguments)
        for argument in arguments { free(argument) }
    }
}
