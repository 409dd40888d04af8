import Dispatch
import Foundation

/// Raw pointers handed to worker threads that write disjoint ranges (one image each).
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    init(_ pointer: UnsafePointer<Float>) { self.pointer = pointer }
}

struct SendableMutablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}

/// Runs body(0..<count) spread over the machine's cores in contiguous chunks; the non-GEMM layers
/// would otherwise leave all but one core idle between OpenBLAS calls.
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
