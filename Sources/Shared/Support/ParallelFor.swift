import CSystem
import Dispatch
import Foundation
import Synchronization

/// The cores this process may use, read once (Foundation reads the cgroup files on every query, which costs as
/// much as a small layer when asked per parallel loop).
public let availableCores = usableCores()

/// The CPUs the calling thread's affinity mask allows (taskset, a Slurm job's or a container's cpuset), at most
/// Foundation's count, which honours a cgroup CPU quota but not the mask: a job given 4 CPUs of a 64-core node
/// must not start 63 helper threads.
public func usableCores() -> Int {
    let allowed = Int(dfh_affinity_cpu_count()), quota = ProcessInfo.processInfo.activeProcessorCount
    return max(1, allowed > 0 ? min(allowed, quota) : quota)
}

/// Runs body(0..<count) on the machine's cores, each worker taking the next index when it is free:
/// on a shared machine a worker whose core is busy with another process takes fewer indices instead of
/// holding up the batch with a fixed share. The workers are the caller and `WorkerTeam`'s helpers; when
/// the team is already busy (a nested or concurrent loop), GCD's pool runs the indices instead.
/// Inside the body `CoreBudget.current` is one: a body never forks again.
public func parallelFor(count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let body = { (index: Int) in CoreBudget.asParallelBody { body(index) } }
        if count <= 1 || availableCores <= 1 {
            for index in 0..<count { body(index) }
            return
        }
        if WorkerTeam.shared.run(count: count, body) { return }
        // GCD's pool is as wide as the machine, not the affinity mask: at most availableCores workers, each
        // taking the next index.
        let job = UncheckedBody(body: body)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(count, availableCores)) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                job.body(index)
            }
        }
    }
}

/// The body only touches memory disjoint per index, so sharing it across threads is safe.
private struct UncheckedBody: @unchecked Sendable {
    let body: (Int) -> Void
}
