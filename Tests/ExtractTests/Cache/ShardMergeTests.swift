import Foundation
import Testing
@testable import Extract
import Shared

/// Shards (`ShardPlan`) merged (`ShardMerge`) against one uninterrupted run of the same videos.
@Suite struct ShardMergeTests {
    /// 12 videos of varied sizes, two of them failures, with splits and groups.
    static func dataset() -> (wanted: [WantedVideo], failing: Set<String>) {
        let wanted = (0..<12).map { seed -> WantedVideo in
            var video = CacheFixtures.wanted(String(format: "%@/clip%02d.mp4", seed % 3 == 0 ? "real" : "fake", seed),
                                             seed: seed, split: ["train", "val", "test"][seed % 3])
            video.bytes = Int64(1000 + seed) + Int64(seed % 4) * 50_000
            video.group = "actor\(seed % 5)"
            return video
        }
        return (wanted, ["fake/clip04.mp4", "fake/clip08.mp4"])
    }

    /// Like `CacheFixtures.extracted`, but keyed by path so the modified sizes do not change the values.
    static func extracted(_ video: WantedVideo) -> CachedVideo {
        var row = CacheFixtures.extracted(WantedVideo(path: video.path, label: video.label, split: video.split,
                                                      bytes: 1000 + Int64(Int(video.path.dropFirst(video.path.count - 6).prefix(2))!),
                                                      mtime: video.mtime))
        row.bytes = video.bytes
        return row
    }

    static func build(at url: URL, wanted: [WantedVideo], listing: [WantedVideo], failing: Set<String>,
                      shard: ShardSpec? = nil, weights: String = "b0353104") throws {
        var metadata = CacheFixtures.metadata(weights: weights)
        metadata.listingSHA256 = ListingDigest.sha256(of: listing)
        metadata.shard = shard
        var session = try CacheWriteSession(cacheURL: url, metadata: metadata)
        for video in wanted.reversed() {
            if failing.contains(video.path) {
                try session.recordFailure(CacheFailure(path: video.path, reason: "decoder error: \(video.path)",
                                                       bytes: video.bytes, mtime: video.mtime))
            } else {
                try session.append(extracted(video))
            }
        }
        try session.finish(keeping: wanted)
    }

    /// The single-process cache at `<dir>/single/toy/x_f4.h5` and 3 shards beside `<dir>/sharded/toy/x_f4.h5`.
    static func prepare(_ directory: URL, count: Int = 3) throws -> (single: URL, merged: URL) {
        let (wanted, failing) = dataset()
        let single = directory.appendingPathComponent("single/toy/x_f4.h5")
        try build(at: single, wanted: wanted, listing: wanted, failing: failing)
        let merged = directory.appendingPathComponent("sharded/toy/x_f4.h5")
        for index in 0..<count {
            let shard = try ShardSpec(index: index, count: count)
            let part = ShardPlan.select(wanted, wanted: wanted, shard: shard).wanted
            try build(at: ShardPlan.shardURL(for: merged, shard: shard), wanted: part, listing: wanted, failing: failing, shard: shard)
        }
        return (single, merged)
    }

    static func merge(_ url: URL, _ layout: ShardMerge.Layout) throws {
        let metadata = CacheFixtures.metadata()
        try ShardMerge(cacheURL: url, backbone: metadata.backbone, crop: metadata.cropPolicy, frames: metadata.frames, weights: nil).run(layout: layout)
    }

    @Test(arguments: [ShardMerge.Layout.virtual, .copied])
    func mergedShardsEqualOneRun(layout: ShardMerge.Layout) throws {
        let directory = try CacheFixtures.directory()
        let (single, merged) = try Self.prepare(directory)
        try Self.merge(merged, layout)
        try expectSameCacheContents(single, merged)
        let a = try HDF5File.open(single), b = try HDF5File.open(merged)
        #expect(try a.dataset("groups").readStrings() == b.dataset("groups").readStrings())
        #expect(try a.dataset("splits").readStrings() == b.dataset("splits").readStrings())
        #expect(try b.dataset("embeddings").isVirtual() == (layout == .virtual))
        #expect(try !b.hasAttribute("shard_index") && b.hasAttribute("listing_sha256"))
        // Through the reader (what train and extract use): the same rows, with every check passed.
        let readA = try EmbeddingCacheReader(url: single), readB = try EmbeddingCacheReader(url: merged)
        #expect(readB.isMerged == (layout == .virtual))
        #expect(readA.videoPaths == readB.videoPaths && readA.failures == readB.failures)
        for index in 0..<readA.videoCount { #expect(try readA.video(at: index) == readB.video(at: index)) }
    }

    /// The merged folder moves as a whole, and h5dump (the HDF5 tools) reads the virtual datasets from
    /// elsewhere, giving the single run's values.
    @Test func virtualCacheMovesAndReadsWithH5dump() throws {
        let directory = try CacheFixtures.directory()
        let (single, merged) = try Self.prepare(directory)
        try Self.merge(merged, .virtual)
        let moved = directory.appendingPathComponent("moved")
        try FileManager.default.moveItem(at: merged.deletingLastPathComponent(), to: moved)
        let url = moved.appendingPathComponent("x_f4.h5")
        #expect(try EmbeddingCacheReader(url: url).isMerged)
        func dump(_ file: URL) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/h5dump")
            process.arguments = ["-d", "/embeddings", "-d", "/valid", "-d", "/frame_indices", file.path]
            process.currentDirectoryURL = URL(fileURLWithPath: "/")
            let out = Pipe()
            process.standardOutput = out
            try process.runFenced()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            // The first line names the file; DATASPACE lines differ in maxshape (virtual datasets are fixed-size).
            return text.split(separator: "\n").dropFirst().filter { !$0.contains("DATASPACE") }.joined(separator: "\n")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/h5dump") else { return }
        let expected = try dump(single)
        #expect(expected.contains("DATA"))
        #expect(try dump(url) == expected)
    }

    @Test func incompleteOrMismatchedShardsAreRefusedNamingTheShard() throws {
        let metadata = CacheFixtures.metadata()
        func refusal(_ damage: (URL) throws -> Void) throws -> String {
            let (_, merged) = try Self.prepare(try CacheFixtures.directory())
            try damage(merged)
            do {
                try Self.merge(merged, .virtual)
                return "merged"
            } catch let error as DiagnosedError {
                #expect(!FileManager.default.fileExists(atPath: merged.path))
                return "\(error)"
            }
        }
        let shard1 = { (merged: URL) throws -> URL in try ShardPlan.shardURL(for: merged, shard: ShardSpec(index: 1, count: 3)) }
        #expect(try refusal { try FileManager.default.removeItem(at: shard1($0)) }.contains("shard 1/3 is missing"))
        #expect(try refusal { _ = try FileManager.default.createFile(atPath: CacheSchema.journalURL(for: shard1($0)).path, contents: Data()) }
            .contains("shard 1/3 is unfinished"))
        #expect(try refusal { merged in
            let (wanted, failing) = Self.dataset()
            try FileManager.default.removeItem(at: shard1(merged))
            try Self.build(at: shard1(merged), wanted: ShardPlan.select(wanted, wanted: wanted, shard: try ShardSpec(index: 1, count: 3)).wanted,
                           listing: wanted, failing: failing, shard: try ShardSpec(index: 1, count: 3), weights: "other")
        }.contains("x_f4.shard-1-of-3.h5: it was made with other settings (weights_sha256"))
        #expect(try refusal { merged in
            let (wanted, failing) = Self.dataset()
            let extra = try ShardSpec(index: 1, count: 3)
            try FileManager.default.removeItem(at: shard1(merged))
            try Self.build(at: shard1(merged), wanted: ShardPlan.select(wanted, wanted: wanted, shard: extra).wanted + [wanted[0]],
                           listing: wanted, failing: failing, shard: extra)
        }.contains("(a duplicated video)"))
        #expect(try refusal { merged in
            let url = try shard1(merged)
            let bytes = try Data(contentsOf: url)
            try bytes.prefix(bytes.count / 2).write(to: url)
        }.contains("x_f4.shard-1-of-3.h5"))
        #expect(try refusal { merged in
            try Self.build(at: ShardPlan.shardURL(for: merged, shard: try ShardSpec(index: 0, count: 4)), wanted: [],
                           listing: Self.dataset().wanted, failing: [], shard: try ShardSpec(index: 0, count: 4))
        }.contains("shards of different counts"))
        _ = metadata
    }

    /// The shards' weights hash must be the local weights file's (the fix is named), unless that check is waived.
    @Test func shardsOfOtherWeightsThanTheLocalFileAreRefused() throws {
        let (single, merged) = try Self.prepare(try CacheFixtures.directory())
        let metadata = CacheFixtures.metadata()
        func merge(_ sha256: String?) throws {
            try ShardMerge(cacheURL: merged, backbone: metadata.backbone, crop: metadata.cropPolicy, frames: metadata.frames,
                           weights: sha256.map { ShardMerge.LocalWeights(file: "models/x.pth", sha256: $0) }).run(layout: .copied)
        }
        let error = try #require(throws: ShardMergeError.self) { try merge("c0ffee") }
        #expect("\(error)".contains("x_f4.shard-0-of-3.h5: it was made with weights of SHA-256 b0353104, but models/x.pth here has SHA-256 c0ffee"), "\(error)")
        #expect("\(error)".contains("--weights") && "\(error)".contains("--accept-weights-hash"))
        try merge("b0353104")
        try merge(nil)
        try expectSameCacheContents(single, merged)
    }

    /// A merged cache whose shard vanished is refused when opened, not read as zeros.
    @Test func mergedCacheWithoutItsShardIsRefused() throws {
        let (_, merged) = try Self.prepare(try CacheFixtures.directory())
        try Self.merge(merged, .virtual)
        try FileManager.default.removeItem(at: ShardPlan.shardURL(for: merged, shard: try ShardSpec(index: 2, count: 3)))
        #expect(throws: CacheFormatError.self) { try EmbeddingCacheReader(url: merged) }
    }

    /// Freshness is by content: the merged cache is up to date for its listing even when the files'
    /// modification times differ on this machine, and stale when a size or label changes.
    @Test func mergedCacheIsFreshByContent() throws {
        let (_, merged) = try Self.prepare(try CacheFixtures.directory())
        try Self.merge(merged, .virtual)
        let (wanted, _) = Self.dataset()
        var metadata = CacheFixtures.metadata()
        metadata.listingSHA256 = ListingDigest.sha256(of: wanted)
        let touched = wanted.map { var video = $0; video.mtime += 3600; return video }
        #expect(CacheWriteSession.isUpToDate(cacheURL: merged, metadata: metadata, videos: touched))
        var resized = touched
        resized[3].bytes += 1
        var resizedMetadata = metadata
        resizedMetadata.listingSHA256 = ListingDigest.sha256(of: resized)
        #expect(!CacheWriteSession.isUpToDate(cacheURL: merged, metadata: resizedMetadata, videos: resized))
        var relabelled = touched
        relabelled[3].label = 1 - relabelled[3].label
        #expect(!CacheWriteSession.isUpToDate(cacheURL: merged, metadata: metadata, videos: relabelled))
    }
}

@Suite struct ShardPlanTests {
    /// Consecutive runs in sorted path order, every shard within one video's weight of W / N, and the
    /// same answer whatever order the videos come in.
    @Test(arguments: [1, 2, 3, 7, 40])
    func shardsAreBalancedConsecutiveRuns(count: Int) throws {
        var generator = SeededGenerator(seed: UInt64(count))
        let paths = (0..<30).map { "v\(String(format: "%03d", $0)).mp4" }
        let bytes = paths.map { _ in Int64(generator.next() % 1_000_000) }
        let shards = ShardPlan.assignments(paths: paths, bytes: bytes, count: count)
        #expect(shards == shards.sorted(), "paths are already sorted, so shards must not decrease")
        #expect(shards.allSatisfy { (0..<count).contains($0) })
        let weights = bytes.map { Double($0 + 1) }
        let target = weights.reduce(0, +) / Double(count)
        for shard in 0..<count {
            let load = zip(shards, weights).filter { $0.0 == shard }.map(\.1).reduce(0, +)
            #expect(abs(load - target) <= weights.max()! + 1, "shard \(shard) holds \(load), target \(target)")
        }
        let reversed = ShardPlan.assignments(paths: paths.reversed(), bytes: bytes.reversed(), count: count)
        #expect(Array(reversed.reversed()) == shards)
    }

    @Test func shardSelectionFromFlagsAndEnvironment() throws {
        #expect(try ShardSelection.resolve(flag: "2/5", shardCount: nil, environment: [:]) == ShardSpec(index: 2, count: 5))
        #expect(try ShardSelection.resolve(flag: nil, shardCount: nil, environment: [:]) == nil)
        #expect(try ShardSelection.resolve(flag: nil, shardCount: nil, environment: ["JOB_COMPLETION_INDEX": "3"]) == nil)
        #expect(try ShardSelection.resolve(flag: nil, shardCount: nil,
                                           environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]) == ShardSpec(index: 3, count: 4))
        #expect(try ShardSelection.resolve(flag: nil, shardCount: nil,
                                           environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4",
                                                         "SLURM_ARRAY_TASK_MIN": "1"]) == ShardSpec(index: 3, count: 4))
        #expect(try ShardSelection.resolve(flag: nil, shardCount: 6, environment: ["JOB_COMPLETION_INDEX": "5"]) == ShardSpec(index: 5, count: 6))
        for (flag, count, environment) in [("3/3", nil, [:]), ("-1/3", nil, [:]), ("1/0", nil, [:]), ("a/b", nil, [:]), ("1/3", 4, [:]),
                                           (nil, 6, [:]), (nil, 6, ["JOB_COMPLETION_INDEX": "6"]),
                                           (nil, nil, ["SLURM_ARRAY_TASK_ID": "1"]),
                                           (nil, nil, ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "4"]),
                                           (nil, nil, ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4",
                                                       "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6"]),
                                           (nil, 3, ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"])] as [(String?, Int?, [String: String])] {
            #expect(throws: PipelineError.self, "\(String(describing: flag)) \(String(describing: count)) \(environment)") {
                try ShardSelection.resolve(flag: flag, shardCount: count, environment: environment)
            }
        }
    }

    @Test func shardFileNames() throws {
        let cache = URL(fileURLWithPath: "/c/toy/mobilenetv2_face_f32.h5")
        let url = ShardPlan.shardURL(for: cache, shard: try ShardSpec(index: 2, count: 8))
        #expect(url.path == "/c/toy/shards/mobilenetv2_face_f32.shard-2-of-8.h5")
        #expect(ShardPlan.shard(named: url.lastPathComponent, cacheURL: cache)! == (2, 8))
        #expect(ShardPlan.shard(named: "mobilenetv2_face_f32.shard-02-of-8.h5", cacheURL: cache) == nil)
        #expect(ShardPlan.shard(named: "mobilenetv2_f32.shard-2-of-8.h5", cacheURL: cache) == nil)
    }
}

/// splitmix64: a fixed pseudo-random sequence for test inputs.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
