import Foundation
import Testing
@testable import Train

/// Sharded sweeps: every run of the grid belongs to exactly one shard, whatever the shard count.
struct SweepShardTests {
    let grid = SweepGrid(datasets: ["A", "B"], frameCounts: [8, 16], backbones: ["mobilenetv2", "xception"],
                         archs: ["gru1-fc1", "gru2-fc2", "fc1"], seeds: [1, 2], learningRates: [1e-3])
    let template = TrainingRequest(dataset: "", backbone: "", frames: 0, architecture: "", learningRate: 0,
                                   epochs: 5, batchSize: 8, seed: 0)

    @Test func shardsCoverTheGridExactlyOnceForAnyCount() throws {
        let all = grid.requests(template: template)
        #expect(all.count == 2 * 2 * 2 * 3 * 2)
        for count in [1, 2, 3, 5, 7, 48, 50] {
            let ranges = try (0..<count).map { try SweepShard(index: $0, count: count).range(of: all.count) }
            let positions = ranges.flatMap { Array($0) }
            #expect(positions == Array(0..<all.count), "\(count) shards")
            let sizes = ranges.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1, "\(count) shards: sizes \(sizes)")
        }
    }

    @Test func gridOrderIsFixedAndEveryCombinationAppearsOnce() {
        let all = grid.requests(template: template)
        #expect(all == grid.requests(template: template))
        let keys = Set(all.map { "\($0.dataset) \($0.frames) \($0.backbone) \($0.architecture) \($0.seed)" })
        #expect(keys.count == all.count)
        #expect(all.first.map { "\($0.dataset) \($0.frames) \($0.backbone) \($0.architecture) \($0.seed)" } == "A 8 mobilenetv2 gru1-fc1 1")
        #expect(all.last.map { "\($0.dataset) \($0.frames) \($0.backbone) \($0.architecture) \($0.seed)" } == "B 16 xception fc1 2")
        #expect(all.allSatisfy { $0.epochs == 5 && $0.batchSize == 8 })
    }

    @Test func groupsShareOneCacheAndKeepGridOrder() {
        let all = grid.requests(template: template)
        let groups = SweepGrid.groupedByCache(all)
        #expect(groups.count == 2 * 2 * 2)
        #expect(groups.flatMap { $0 } == all)
        for group in groups { #expect(Set(group.map { "\($0.dataset)/\($0.cacheStem)" }).count == 1) }
    }

    @Test func parsesIOfNAndRejectsNonsense() throws {
        #expect(try SweepShard.parse("2/5") == SweepShard(index: 2, count: 5))
        for bad in ["5/5", "-1/3", "1/0", "1", "a/b", "1/2/3", ""] {
            #expect(throws: (any Error).self, "'\(bad)'") { try SweepShard.parse(bad) }
        }
    }

    @Test func slurmArrayVariablesNameTheShard() throws {
        #expect(try SweepShard.fromEnvironment([:]) == nil)
        #expect(try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"])
                == SweepShard(index: 3, count: 4))
        #expect(try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4",
                                                "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3"]) == SweepShard(index: 0, count: 4))
        // Numbered from 1, as `extract` reads it: task 4 of 1..4 is shard 3/4.
        #expect(try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4",
                                                "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"]) == SweepShard(index: 3, count: 4))
        // Arrays that do not say N: stepped (0,2,4,6) or with a gap (0,1,5).
        for (id, count, min, max) in [("4", "4", "0", "6"), ("1", "3", "0", "5")] {
            #expect(throws: (any Error).self, "task \(id) of \(count), \(min)..\(max)") {
                try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": id, "SLURM_ARRAY_TASK_COUNT": count,
                                                "SLURM_ARRAY_TASK_MIN": min, "SLURM_ARRAY_TASK_MAX": max])
            }
        }
        #expect(throws: (any Error).self) { try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"]) }
        #expect(throws: (any Error).self) { try SweepShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"]) }
    }
}
