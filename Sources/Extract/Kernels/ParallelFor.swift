import Dispatch
import Foundation

/// Runs body(0..<count) spread over the machine's cores in contiguous chunks of indices.
func parallelFor(count: Int, _ body: (Int) -> Void) {
    let workers = min(count, ProcessInfo.processInfo.activeProcessorCount)
    if workers <= 1 {
        for index in 0..<count { body(index) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let job = UncheckedBody(body: body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = count * worker / workers
            let end = count * (worker + 1) / workers
            for index in start..<end { job.body(index) }
        }
    }
}

/// The body only touches memory disjoint per index, so sharing it across threads is safe.
private struct UncheckedBody: @unchecked Sendable {
    let body: (Int) -> Void
}
