import Foundation
import Shared

/// One worker's share of a sweep grid: shard `index` of `count` gets a contiguous block of the grid, so it
/// loads few caches, and the blocks of all shards cover the grid exactly once.
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw PipelineError("shard count \(count) must be at least 1") }
        guard (0..<count).contains(index) else {
            throw PipelineError("shard index \(index) must be in 0..<\(count) (shards are numbered from 0)")
        }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// `I/N`, as `--shard` takes it.
    public static func parse(_ text: String) throws -> SweepShard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw PipelineError("--shard '\(text)' is not I/N, e.g. --shard 0/4 for the first of four shards")
        }
        return try SweepShard(index: index, count: count)
    }

    /// A Slurm array task's shard, SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT, for an array numbered
    /// 0..N-1 (`--array=0-3`). Any other array (from 1, stepped, a resubmitted subset) cannot say N: pass
    /// --shard I/N there. Nil outside an array job.
    public static func fromEnvironment(_ environment: [String: String]) throws -> SweepShard? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"], let countText = environment["SLURM_ARRAY_TASK_COUNT"] else {
            return nil
        }
        guard let id = Int(idText), let count = Int(countText) else {
            throw PipelineError("SLURM_ARRAY_TASK_ID=\(idText) and SLURM_ARRAY_TASK_COUNT=\(countText) are not numbers; pass --shard I/N instead")
        }
        let min = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
        let max = environment["SLURM_ARRAY_TASK_MAX"].flatMap { Int($0) } ?? count - 1
        guard min == 0, max == count - 1, id < count else {
            throw PipelineError("this Slurm array is not numbered 0..\(count - 1) (task \(id), tasks \(min)..\(max)), so it does not say the shard count: pass --shard I/N, as scripts/slurm/sweep-array.sbatch does")
        }
        return try SweepShard(index: id, count: count)
    }

    /// The positions of a grid of `total` runs that this shard trains: `total` split into `count` blocks
    /// whose sizes differ by at most one.
    public func range(of total: Int) -> Range<Int> {
        let base = total / count, extra = total % count
        let start = index * base + Swift.min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}
