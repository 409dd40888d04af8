import Foundation
import Synchronization
import Testing
@testable import Shared

/// parallelFor runs on `WorkerTeam` (a caller plus spinning helpers) and falls back to GCD when the team is
/// taken; every index must run exactly once whichever way, and all writes must be visible when it returns.
@Suite struct ParallelForTests {
    /// Runs parallelFor(count:) and returns how often each index ran.
    func runCounts(_ count: Int, body: (Int) -> Void = { _ in }) -> [Int] {
        var counts = [Int](repeating: 0, count: count)
        counts.withUnsafeMutableBufferPointer { counts in
            parallelFor(count: count) { index in
                body(index)
                counts[index] += 1   // each index owns its slot
            }
        }
        return counts
    }

    @Test(arguments: [0, 1, 2, 3, 17, 1_000])
    func everyIndexRunsExactlyOnce(_ count: Int) {
        for _ in 0..<20 {  // back to back, as a network's layers call it
            #expect(runCounts(count) == [Int](repeating: 1, count: count))
        }
    }

    /// Inside a body the core budget is one (a body never forks again), outside it is the process's setting,
    /// restored after the loop and on the helpers; no process-wide setting changes for it.
    @Test func aBodyHasABudgetOfOneCore() {
        let outside = CoreBudget.current
        #expect(outside == BLASThreadCount.current)
        let seen = Atomic<Int>(0)
        parallelFor(count: 64) { _ in
            if CoreBudget.current == 1 { seen.wrappingAdd(1, ordering: .relaxed) }
        }
        #expect(seen.load(ordering: .relaxed) == 64)
        #expect(CoreBudget.current == outside)
        #expect(BLASThreadCount.current == outside)
    }

    @Test func aNestedLoopRunsOnGCDInsteadOfWaitingForTheBusyTeam() {
        let inner = Atomic<Int>(0)
        let outer = runCounts(8) { _ in
            let counts = runCounts(5)
            if counts == [1, 1, 1, 1, 1] { inner.wrappingAdd(1, ordering: .relaxed) }
        }
        #expect(outer == [Int](repeating: 1, count: 8))
        #expect(inner.load(ordering: .relaxed) == 8)
    }

    @Test func concurrentCallersEachGetEveryIndexOnce() async {
        let good = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<50).allSatisfy { _ in runCounts(64) == [Int](repeating: 1, count: 64) } }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(good == 4)
    }

    /// Slow indices leave time for a parked helper to wake and take some: more than one thread runs them.
    @Test(.enabled(if: availableCores > 1))
    func parkedHelpersWakeAndShareTheWork() {
        for _ in 0..<2 {
            Thread.sleep(forTimeInterval: 0.01)  // well past the helpers' spin limit: they are parked now
            var threads = [pthread_t?](repeating: nil, count: 40)
            threads.withUnsafeMutableBufferPointer { threads in
                parallelFor(count: 40) { index in
                    Thread.sleep(forTimeInterval: 0.001)
                    threads[index] = pthread_self()
                }
            }
            #expect(Set(threads.map { UInt($0!) }).count > 1)
        }
    }

    /// A thread restricted to one CPU (as `taskset -c 0`, or a Slurm job's cpuset, restricts a process) counts
    /// one usable core, though Foundation's count still says all of the machine's.
    @Test(.enabled(if: usableCores() > 1))
    func theAffinityMaskBoundsTheCores() throws {
        let before = usableCores()
        // This thread's CPUs as a list ("0-1") and its id, from /proc/thread-self.
        let status = try String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        let allowed = try #require(line.split(separator: "\t").last)
        let firstCPU = try #require(allowed.split(separator: ",").first?.split(separator: "-").first)
        let thread = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
        func taskset(_ cpus: some StringProtocol) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
            process.arguments = ["-p", "-c", String(cpus), String(thread.split(separator: "/").last ?? "")]
            process.standardOutput = FileHandle.nullDevice
            try process.runFenced()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        try taskset(firstCPU)
        let pinned = usableCores()
        try taskset(allowed)
        #expect(pinned == 1 && ProcessInfo.processInfo.activeProcessorCount > 1 && usableCores() == before)
    }
}
