import Foundation
import Synchronization

/// A fork-join team of helper threads that stay awake for a short while between jobs. One frame through
/// MobileNetV2 on 2 cores is ~50 parallel layers of 30-100 microseconds each: waking a parked GCD worker
/// for every layer costs about as much as the layer, while a helper still spinning picks the next job up
/// within a microsecond. Helpers that find no job for `spinLimit` park on a semaphore, so an idle team
/// costs no CPU.
///
/// One job runs at a time; `run` returns false (and runs nothing) when the team is busy with another
/// caller's job, e.g. a nested parallel loop, and the caller then falls back to GCD.
final class WorkerTeam: Sendable {
    static let shared = WorkerTeam(helpers: availableCores - 1)

    /// How long a helper polls for the next job before parking (a layer-to-layer gap is far shorter).
    private static let spinLimit: UInt64 = 200_000  // nanoseconds

    let helperCount: Int
    private let busy = Atomic<Bool>(false)
    /// Bumped once per job; helpers compare it with the last job they saw.
    private let generation = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let wake = DispatchSemaphore(value: 0)
    /// The current job, written before `generation` is bumped and read after it is seen.
    private let current = Mutex<Job?>(nil)

    /// One job's index counter and completion count. A helper that wakes late may still hold an old job;
    /// it finds every index claimed and never calls the body, whose pointer is dead by then.
    private final class Job: @unchecked Sendable {
        let count: Int
        let body: UnsafePointer<(Int) -> Void>
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)

        init(count: Int, body: UnsafePointer<(Int) -> Void>) {
            self.count = count
            self.body = body
        }

        /// Claims and runs indices until none are left.
        func work() {
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                body.pointee(index)
                done.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    private init(helpers: Int) {
        helperCount = max(0, helpers)
        for _ in 0..<helperCount {
            let thread = Thread { [unowned self] in self.helperLoop() }
            thread.name = "WorkerTeam helper"
            thread.start()
        }
    }

    /// Runs body(0..<count) on the caller and the helpers, returning once every index has run;
    /// false if the team is busy (nothing was run).
    func run(count: Int, _ body: (Int) -> Void) -> Bool {
        guard helperCount > 0,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            withUnsafePointer(to: body) { pointer in
                let job = Job(count: count, body: pointer)
                current.withLock { $0 = job }
                generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
                for _ in 0..<sleepers.load(ordering: .sequentiallyConsistent) { wake.signal() }
                job.work()
                // The caller ran out of indices; helpers may still be inside theirs.
                var polls = 0
                while job.done.load(ordering: .acquiring) < count {
                    polls += 1
                    if polls > 1_000 { sched_yield() }
                }
                current.withLock { $0 = nil }
            }
        }
        return true
    }

    private func helperLoop() {
        var seen = 0
        while true {
            var now = generation.load(ordering: .sequentiallyConsistent)
            if now == seen {
                let start = DispatchTime.now().uptimeNanoseconds
                // Yielding between looks hands the core over at once to any other thread that wants it (another
                // process on a shared node), and costs well under a microsecond when none does.
                while now == seen && DispatchTime.now().uptimeNanoseconds - start < Self.spinLimit {
                    sched_yield()
                    now = generation.load(ordering: .sequentiallyConsistent)
                }
            }
            if now == seen {
                // Announce the nap before the last look, so a job published in between still signals.
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                continue
            }
            seen = now
            if let job = current.withLock({ $0 }) { job.work() }
        }
    }
}
