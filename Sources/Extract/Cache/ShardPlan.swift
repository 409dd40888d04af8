import Foundation
import Shared

/// One part of a dataset extracted by its own process: shard `index` of `count` (index from 0).
public struct ShardSpec: Sendable, Equatable, Codable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    /// More shards than this is a typo, not a cluster: each shard is a file and a process.
    public static let countRange = 1...100_000

    public init(index: Int, count: Int) throws {
        guard Self.countRange.contains(count) else {
            throw PipelineError("shard count \(count) is out of range: choose \(Self.countRange.lowerBound)...\(Self.countRange.upperBound)")
        }
        guard (0..<count).contains(index) else {
            throw PipelineError("shard index \(index) is out of range for \(count) shards: choose 0...\(count - 1) (shards count from 0)")
        }
        self.index = index
        self.count = count
    }

    /// "I/N", as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }

    /// Parses `--shard I/N`.
    public static func parse(_ text: String) throws -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw PipelineError("--shard '\(text)' is not understood: write INDEX/COUNT with INDEX from 0, e.g. --shard 0/8")
        }
        return try ShardSpec(index: index, count: count)
    }
}

/// Which videos a shard extracts: the dataset's videos in sorted path order (the cache's row order), cut
/// into `count` consecutive runs of about equal total file size.
///
/// Video j (sorted by the UTF-8 bytes of its path) weighs w_j = bytes + 1 (so empty files still count);
/// with P_j the weight before it and W the total, it goes to shard floor(N * (2 P_j + w_j) / (2 W)), the
/// shard its weight's midpoint falls in. Shards differ from W / N by at most one video's weight, every
/// shard is one run of consecutive rows (so a merged cache maps each shard onto one block of rows), and
/// the rule needs only paths and sizes, so every machine computes the same plan.
public enum ShardPlan {
    /// The shard of each video of `videos` (any order; the answer follows that order).
    public static func assignments(paths: [String], bytes: [Int64], count: Int) -> [Int] {
        precondition(paths.count == bytes.count && count >= 1)
        let order = paths.indices.sorted { paths[$0].utf8.lexicographicallyPrecedes(paths[$1].utf8) }
        // Sizes capped at 1 TiB keep 2 W far from overflow for any real number of videos.
        let weights = bytes.map { UInt64(min(max(0, $0), 1 << 40)) + 1 }
        let total = weights.reduce(0, +)
        var shards = [Int](repeating: 0, count: paths.count)
        var before: UInt64 = 0
        for position in order {
            let product = UInt64(count).multipliedFullWidth(by: 2 * before + weights[position])
            let (quotient, _) = (2 * total).dividingFullWidth(product)
            shards[position] = min(count - 1, Int(quotient))
            before += weights[position]
        }
        return shards
    }

    /// The wanted videos (and their listed videos, index for index) that `shard` extracts.
    public static func select<Listed>(_ listed: [Listed], wanted: [WantedVideo], shard: ShardSpec)
        -> (listed: [Listed], wanted: [WantedVideo]) {
        let shards = assignments(paths: wanted.map(\.path), bytes: wanted.map(\.bytes), count: shard.count)
        let kept = wanted.indices.filter { shards[$0] == shard.index }
        return (kept.map { listed[$0] }, kept.map { wanted[$0] })
    }

    /// `<cache folder>/shards/<cache name>.shard-<I>-of-<N>.h5` beside the single-process cache `cacheURL`.
    public static func shardURL(for cacheURL: URL, shard: ShardSpec) -> URL {
        shardsFolder(for: cacheURL).appendingPathComponent("\(stem(of: cacheURL)).shard-\(shard.index)-of-\(shard.count).h5")
    }

    public static func shardsFolder(for cacheURL: URL) -> URL {
        cacheURL.deletingLastPathComponent().appendingPathComponent("shards", isDirectory: true)
    }

    /// The cache's file name without `.h5`, e.g. `mobilenetv2_f32`.
    static func stem(of cacheURL: URL) -> String {
        cacheURL.deletingPathExtension().lastPathComponent
    }

    /// The shard a file name of `cacheURL`'s shards names, or nil for any other name.
    static func shard(named fileName: String, cacheURL: URL) -> (index: Int, count: Int)? {
        let prefix = stem(of: cacheURL) + ".shard-", suffix = ".h5"
        guard fileName.hasPrefix(prefix), fileName.hasSuffix(suffix) else { return nil }
        let middle = fileName.dropFirst(prefix.count).dropLast(suffix.count)
        let parts = middle.components(separatedBy: "-of-")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              parts[0] == String(index), parts[1] == String(count) else { return nil }
        return (index, count)
    }
}
