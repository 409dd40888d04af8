import Extract
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

    /// A Slurm array task's shard, read by the rules `extract` uses (`ShardSelection`): SLURM_ARRAY_TASK_ID
    /// counted from SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT consecutive tasks; a stepped or gapped array
    /// is refused (pass --shard I/N there). Nil outside an array job.
    public static func fromEnvironment(_ environment: [String: String]) throws -> SweepShard? {
        guard environment[ShardSelection.Variable.slurmTaskID] != nil,
              let shard = try ShardSelection.resolve(flag: nil, shardCount: nil, environment: environment) else { return nil }
        return try SweepShard(index: shard.index, count: shard.count)
    }

    /// The positions of a grid of `total` runs that this shard trains: `total` split into `count` blocks
    /// whose sizes differ by at most one.
    public func range(of total: Int) -> Range<Int> {
        let base = total / count, extra = total % count
        let start = index * base + Swift.min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}
