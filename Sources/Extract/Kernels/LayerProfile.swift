import Foundation
import Synchronization

/// `DEEPFAKE_LAYER_PROFILE=1`: the calling thread's CPU time per layer call, summed under a label naming the
/// layer's kind and shape, so a backbone's cost can be read layer by layer (`bench backbone` prints it; run it
/// with OPENBLAS_NUM_THREADS=1 so each layer's work stays on the timed thread). Off, a call costs one branch.
public enum LayerProfile {
    static let enabled = ProcessInfo.processInfo.environment["DEEPFAKE_LAYER_PROFILE"] == "1"
    private static let totals = Mutex<[String: (seconds: Double, calls: Int)]>([:])

    @inline(__always)
    static func measure<T>(_ label: @autoclosure () -> String, _ body: () -> T) -> T {
        guard enabled else { return body() }
        let start = threadSeconds()
        let result = body()
        let seconds = threadSeconds() - start
        let key = label()
        totals.withLock { totals in
            let previous = totals[key] ?? (0, 0)
            totals[key] = (previous.seconds + seconds, previous.calls + 1)
        }
        return result
    }

    /// Label, seconds and calls so far, most expensive first; nil when profiling is off.
    public static func report() -> [(label: String, seconds: Double, calls: Int)]? {
        guard enabled else { return nil }
        return totals.withLock { totals in
            totals.map { (label: $0.key, seconds: $0.value.seconds, calls: $0.value.calls) }
                .sorted { $0.seconds > $1.seconds }
        }
    }

    private static func threadSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
