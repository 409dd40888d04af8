import Foundation
import Testing
import Shared

/// Tests that set the process-wide thread count (`BLASThreadCount`) take turns through this lock: Swift Testing
/// runs suites in parallel, and a test comparing 1 against 2 threads must not have another test change the count
/// under it (it would compare a count with itself and pass without testing anything).
enum ThreadCountForTests {
    private static let lock = NSLock()

    static func with<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        let previous = BLASThreadCount.current
        defer { BLASThreadCount.set(previous) }
        BLASThreadCount.set(count)
        #expect(BLASThreadCount.current == count, "the thread count did not take")
        return try body()
    }
}

/// Largest |a - b| over the largest |a|: how far two runs of the same computation are apart.
func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "compared arrays differ in length")
    let scale = max(a.map(abs).max() ?? 0, Float.leastNormalMagnitude)
    return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}
