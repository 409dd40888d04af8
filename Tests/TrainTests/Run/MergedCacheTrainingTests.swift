import Foundation
import Testing
@testable import Extract
import Shared
import Train

/// Train reads a merged cache (virtual datasets over shard files) into the same training set as the
/// cache of one uninterrupted run.
@Suite struct MergedCacheTrainingTests {
    static let frames = 3, dimension = 5

    static func metadata(shard: ShardSpec?, listing: [WantedVideo]) -> CacheMetadata {
        var metadata = CacheMetadata(backbone: "mobilenetv2", weightsSHA256: "w", inputSize: 224, normalization: "n",
                                     frames: frames, embeddingDimension: dimension, samplingPolicy: "s",
                                     cropPolicy: "whole-frame", dataset: "toy")
        metadata.listingSHA256 = ListingDigest.sha256(of: listing)
        metadata.shard = shard
        return metadata
    }

    static func row(_ video: WantedVideo, seed: Int) -> CachedVideo {
        let valid = (0..<frames).map { $0 < frames - seed % 2 }
        let embeddings = (0..<frames * dimension).map { valid[$0 / dimension] ? Float(seed) * 0.37 - Float($0) * 0.011 : 0 }
        return CachedVideo(path: video.path, label: video.label, split: video.split, bytes: video.bytes, mtime: video.mtime,
                           totalFrames: 50, frameIndices: valid.enumerated().map { $1 ? Int32($0 * 7) : -1 },
                           valid: valid, embeddings: embeddings)
    }

    static func build(_ url: URL, _ wanted: [WantedVideo], listing: [WantedVideo], shard: ShardSpec?) throws {
        var session = try CacheWriteSession(cacheURL: url, metadata: metadata(shard: shard, listing: listing))
        for video in wanted { try session.append(row(video, seed: Int(video.bytes % 1000))) }
        try session.finish(keeping: wanted)
    }

    @Test func mergedCacheGivesTheSameTrainingSet() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("merged-train-\(UUID().uuidString)")
        var wanted: [WantedVideo] = []
        for seed in 0..<14 {
            let path = "v" + String(format: "%02d", seed) + ".mp4"
            let bytes = Int64(1000 * (1 + seed % 4) + seed)
            wanted.append(WantedVideo(path: path, label: Int8(seed % 2), split: seed < 3 ? "test" : nil, bytes: bytes,
                                      mtime: 1_700_000_000, group: "g\(seed % 4)"))
        }
        let single = root.appendingPathComponent("a/toy/mobilenetv2_f3.h5")
        try Self.build(single, wanted, listing: wanted, shard: nil)
        let merged = root.appendingPathComponent("b/toy/mobilenetv2_f3.h5")
        for index in 0..<3 {
            let shard = try ShardSpec(index: index, count: 3)
            try Self.build(ShardPlan.shardURL(for: merged, shard: shard), ShardPlan.select(wanted, wanted: wanted, shard: shard).wanted,
                           listing: wanted, shard: shard)
        }
        try ShardMerge(cacheURL: merged, backbone: "mobilenetv2", crop: "whole-frame", frames: Self.frames, weights: nil).run(layout: .virtual)
        let a = try CachedTrainingSet(cacheURL: single, backbone: "mobilenetv2", frames: Self.frames)
        let b = try CachedTrainingSet(cacheURL: merged, backbone: "mobilenetv2", frames: Self.frames)
        #expect(try EmbeddingCacheReader(url: merged).isMerged)
        #expect(a.data.sequences.data.map(\.bitPattern) == b.data.sequences.data.map(\.bitPattern))
        #expect(a.data.sequences.shape == b.data.sequences.shape)
        #expect(a.data.mask.data == b.data.mask.data)
        #expect(a.data.labels == b.data.labels && a.data.videoIDs == b.data.videoIDs)
        #expect(a.fixedSplits == b.fixedSplits && a.groups == b.groups)
        #expect(a.data.sequences.data.contains { $0 != 0 })
    }
}
