import Foundation
import Testing
@testable import Extract
import Shared

/// Face-track shards (`ShardPlan`) merged (`FaceShardMerge`) against one uninterrupted face stage of the same
/// videos, and the merges that must be refused.
@Suite struct FaceShardMergeTests {
    /// 10 videos, two of them failures, with splits and identity groups.
    static let wanted = (0..<10).map { seed in
        FaceCacheFixtures.wanted(String(format: "%@/v%02d.mp4", seed % 3 == 0 ? "real" : "fake", seed), seed: seed,
                                 split: ["train", "val", "test"][seed % 3], group: "actor\(seed % 4)")
    }
    static let failing: Set<String> = ["fake/v04.mp4", "fake/v08.mp4"]

    static func metadata(shard: ShardSpec?, detectionMaxSide: Int = 1280) -> FaceCacheMetadata {
        var metadata = FaceCacheFixtures.metadata(detectionMaxSide: detectionMaxSide)
        metadata.listingSHA256 = ListingDigest.sha256(of: wanted)
        metadata.shard = shard
        return metadata
    }

    /// The single run's `<dir>/single/toy/faces_f4.h5`, and 3 shards beside `<dir>/sharded/toy/faces_f4.h5`.
    static func prepare(_ directory: URL) throws -> (single: URL, merged: URL) {
        let single = directory.appendingPathComponent("single/toy/faces_f4.h5")
        try FaceCacheFixtures.buildUninterrupted(at: single, wanted: wanted, failing: failing, metadata: metadata(shard: nil))
        let merged = directory.appendingPathComponent("sharded/toy/faces_f4.h5")
        for index in 0..<3 {
            try buildShard(index, beside: merged)
        }
        return (single, merged)
    }

    static func buildShard(_ index: Int, beside merged: URL, detectionMaxSide: Int = 1280) throws {
        let shard = try ShardSpec(index: index, count: 3)
        let part = ShardPlan.select(wanted, wanted: wanted, shard: shard).wanted
        try FaceCacheFixtures.buildUninterrupted(at: ShardPlan.shardURL(for: merged, shard: shard), wanted: part,
                                                 failing: failing, metadata: metadata(shard: shard, detectionMaxSide: detectionMaxSide))
    }

    static func merge(_ url: URL, detectorWeights: [String]? = nil) throws {
        try FaceShardMerge(faceCacheURL: url, frames: FaceCacheFixtures.frames, detectorWeights: detectorWeights).run()
    }

    /// The error line a refused merge gives.
    static func refusal(_ url: URL, detectorWeights: [String]? = nil) -> String {
        do {
            try merge(url, detectorWeights: detectorWeights)
            return "merged"
        } catch {
            return "\(error)"
        }
    }

    @Test func mergedFaceShardsEqualOneRun() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (single, merged) = try Self.prepare(directory)
        for index in 0..<3 {
            let part = try FaceCacheReader(url: ShardPlan.shardURL(for: merged, shard: ShardSpec(index: index, count: 3)))
            #expect(!part.records.isEmpty && part.records.count < 8, "shard \(index) holds a part: \(part.records.count) rows")
        }
        try Self.merge(merged, detectorWeights: [FaceCacheFixtures.metadata().pnetSHA256, "bbb937de", "165bfbe4"])
        // Every dataset's values, type, shape and chunking and every attribute but the time: one file.
        #expect(try faceCacheDump(single) == faceCacheDump(merged))
        let a = try FaceCacheReader(url: single), b = try FaceCacheReader(url: merged)
        #expect(a.records == b.records && a.failures == b.failures && a.metadata == b.metadata)
        #expect(b.metadata.shard == nil && b.metadata.listingSHA256 == ListingDigest.sha256(of: Self.wanted))
        #expect(b.failures.map(\.path) == ["fake/v04.mp4", "fake/v08.mp4"])
    }

    @Test func otherDetectionSettingsInOneShardAreRefusedNamingIt() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, merged) = try Self.prepare(directory)
        try FileManager.default.removeItem(at: ShardPlan.shardURL(for: merged, shard: ShardSpec(index: 1, count: 3)))
        try Self.buildShard(1, beside: merged, detectionMaxSide: 960)
        let line = Self.refusal(merged)
        #expect(line.contains("faces_f4.shard-1-of-3.h5: it was made with other settings (detection_max_side: shard has 960, faces_f4.shard-0-of-3.h5 has 1280)"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: merged.path))
    }

    @Test func missingUnfinishedAndForeignShardsAreRefused() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, merged) = try Self.prepare(directory)
        let last = try ShardPlan.shardURL(for: merged, shard: ShardSpec(index: 2, count: 3))
        try FileManager.default.moveItem(at: last, to: last.appendingPathExtension("away"))
        #expect(Self.refusal(merged).contains("shard 2/3 is missing. Run `extract faces --shard 2/3`"), "\(Self.refusal(merged))")
        try FileManager.default.moveItem(at: last.appendingPathExtension("away"), to: last)

        let journal = CacheSchema.journalURL(for: last)
        try Data("DFHJRNL1".utf8).write(to: journal)
        #expect(Self.refusal(merged).contains("shard 2/3 is unfinished"), "\(Self.refusal(merged))")
        try FileManager.default.removeItem(at: journal)

        // An embedding cache under a face shard's name is not a face-track cache.
        let embedding = try ShardPlan.shardURL(for: merged, shard: ShardSpec(index: 0, count: 3))
        try FileManager.default.removeItem(at: embedding)
        try ShardMergeTests.build(at: embedding, wanted: [], listing: Self.wanted, failing: [])
        #expect(Self.refusal(merged).contains("is not a valid face-track cache: attribute kind"), "\(Self.refusal(merged))")
    }

    @Test func shardsMadeWithOtherMTCNNWeightsAreRefusedUnlessAccepted() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (single, merged) = try Self.prepare(directory)
        let local = ["a2a71925", "bbb937de", "0nnx0nnx"]
        let line = Self.refusal(merged, detectorWeights: local)
        #expect(line.contains("faces_f4.shard-0-of-3.h5: its weights_sha256_onet is 165bfbe4, but this build's MTCNN weights have SHA-256 0nnx0nnx"), "\(line)")
        #expect(line.contains("--accept-weights-hash"))
        try Self.merge(merged, detectorWeights: nil)
        #expect(try FaceCacheReader(url: merged).records == FaceCacheReader(url: single).records)
    }
}
