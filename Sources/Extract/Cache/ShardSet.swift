import Foundation
import Shared

/// A shard cache (or the set of them) that cannot be merged, and what to do about it.
public struct ShardMergeError: DiagnosedError {
    public let file: String
    public let problem: String
    public let fix: String

    public var description: String { "cannot merge \(file): \(problem). \(fix)" }
}

/// Every shard of one cache, found beside it in `shards/`, opened, checked (untrusted files) and checked
/// against each other: all N present and finished, made with the same settings from the same dataset
/// listing, each holding exactly its part of that listing (`ShardPlan`).
struct ShardSet {
    /// Shard i at index i.
    let readers: [EmbeddingCacheReader]
    /// The shards' metadata without the shard: what the merged cache records.
    let metadata: CacheMetadata

    /// Finds and checks the shards of `cacheURL`; `backbone`, `crop` and `frames` are what was asked for,
    /// `weights` the local weights file the shards' weights hash must match (nil: not compared).
    init(cacheURL: URL, backbone: String, crop: String, frames: Int, weights: ShardMerge.LocalWeights?) throws {
        let urls = try Self.shardURLs(of: cacheURL)
        var readers: [EmbeddingCacheReader] = []
        for (index, url) in urls.enumerated() {
            let reader = try EmbeddingCacheReader(url: url)
            let found = reader.metadata
            guard !reader.isMerged else {
                throw ShardMergeError(file: url.path, problem: "it is itself a merged cache", fix: "Extract that shard again.")
            }
            guard found.shard == (try ShardSpec(index: index, count: urls.count)) else {
                throw ShardMergeError(file: url.path, problem: "its name says shard \(index)/\(urls.count) but it records "
                                      + (found.shard.map { "shard \($0)" } ?? "no shard"),
                                      fix: "Delete it and extract that shard again.")
            }
            guard found.backbone == backbone, found.cropPolicy == crop, found.frames == frames else {
                throw ShardMergeError(file: url.path, problem: "it holds \(found.backbone) \(found.cropPolicy) at \(found.frames) frames, not \(backbone) \(crop) at \(frames)",
                                      fix: "Delete it and extract that shard again.")
            }
            if let weights, found.weightsSHA256 != weights.sha256 {
                throw ShardMergeError(file: url.path, problem: "it was made with weights of SHA-256 \(found.weightsSHA256), but \(weights.file) here has SHA-256 \(weights.sha256)",
                                      fix: "Merge with --weights set to the checkpoint the shards were made with, extract the shards again with \(weights.file), or pass --accept-weights-hash to merge without comparing with a local file.")
            }
            if let first = readers.first?.metadata {
                try checkShardSettings(found, as: first, file: url.path, firstFile: urls[0].lastPathComponent,
                                       fix: "Extract every shard with the same options, tool version and dataset.")
            } else if found.listingSHA256 == nil {
                throw ShardMergeError(file: url.path, problem: "it records no listing_sha256", fix: "Extract it again with this version of extract.")
            }
            readers.append(reader)
        }
        self.readers = readers
        var merged = readers[0].metadata
        merged.shard = nil
        metadata = merged
        try Self.checkParts(readers.map { ($0.url, $0.table) }, listingSHA256: merged.listingSHA256)
    }

    /// True when `shards/` beside `cacheURL` holds any shard file of it.
    static func hasShards(of cacheURL: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: ShardPlan.shardsFolder(for: cacheURL).path)) ?? []
        return names.contains { ShardPlan.shard(named: $0, cacheURL: cacheURL) != nil }
    }

    /// The N shard files of `cacheURL`, in order; refuses a mix of counts, a missing or unfinished shard.
    /// `command` is what makes them, for the fix (`extract`, `extract faces`).
    static func shardURLs(of cacheURL: URL, command: String = "extract") throws -> [URL] {
        let folder = ShardPlan.shardsFolder(for: cacheURL)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let shards = names.compactMap { name in ShardPlan.shard(named: name, cacheURL: cacheURL).map { (name, $0) } }
        let counts = Set(shards.map(\.1.count))
        guard let count = counts.first else {
            throw ShardMergeError(file: folder.path, problem: "it holds no \(ShardPlan.stem(of: cacheURL)).shard-I-of-N.h5 files",
                                  fix: "Run `\(command) --shard I/N` for every I first, with the same DATA, FRAMES, BACKBONE and CROP.")
        }
        guard counts.count == 1 else {
            let examples = counts.sorted().compactMap { n in shards.first { $0.1.count == n }?.0 }
            throw ShardMergeError(file: folder.path, problem: "it holds shards of different counts (\(examples.joined(separator: ", ")))",
                                  fix: "Delete the shards of the other run.")
        }
        return try (0..<count).map { index in
            let url = try ShardPlan.shardURL(for: cacheURL, shard: ShardSpec(index: index, count: count))
            if FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: url).path) {
                throw ShardMergeError(file: url.path, problem: "shard \(index)/\(count) is unfinished (its journal \(CacheSchema.journalURL(for: url).lastPathComponent) is there)",
                                      fix: "Run that shard again (it resumes), or wait for it to finish.")
            }
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ShardMergeError(file: url.path, problem: "shard \(index)/\(count) is missing",
                                      fix: "Run `\(command) --shard \(index)/\(count)` with the same options.")
            }
            return url
        }
    }

    /// No video in two shards, each video in the shard the plan gives it, and all of them the listing;
    /// `shards` holds each shard's file and shared columns, shard i at index i.
    static func checkParts(_ shards: [(url: URL, table: CacheVideoTable)], listingSHA256: String?) throws {
        var owner: [String: Int] = [:]
        var paths: [String] = [], bytes: [Int64] = [], shardOf: [Int] = []
        for (shard, (url, table)) in shards.enumerated() {
            for (path, size) in Array(zip(table.paths, table.bytes)) + table.failures.map({ ($0.path, $0.bytes) }) {
                if let other = owner.updateValue(shard, forKey: path) {
                    throw ShardMergeError(file: url.path, problem: "\(path) is also in shard \(other) (a duplicated video)",
                                          fix: "Delete the shards and extract them again from one dataset listing.")
                }
                paths.append(path); bytes.append(size); shardOf.append(shard)
            }
        }
        let planned = ShardPlan.assignments(paths: paths, bytes: bytes, count: shards.count)
        if let wrong = paths.indices.first(where: { planned[$0] != shardOf[$0] }) {
            throw ShardMergeError(file: shards[shardOf[wrong]].url.path,
                                  problem: "it holds \(paths[wrong]), which belongs to shard \(planned[wrong]) of this listing (a shard is missing videos or comes from another listing)",
                                  fix: "Extract the shards again from one dataset listing.")
        }
        guard ListingDigest.sha256(paths: paths, bytes: bytes) == listingSHA256 else {
            throw ShardMergeError(file: shards[0].url.deletingLastPathComponent().path,
                                  problem: "the \(paths.count) videos the shards hold are not the dataset listing they were made from (listing_sha256 differs)",
                                  fix: "A shard lost videos: extract the shards again.")
        }
    }
}

/// What a shard file of either kind (embeddings, face tracks) records that its siblings must share.
protocol ShardMetadata {
    var shard: ShardSpec? { get set }
    var toolVersion: String { get }
    var listingSHA256: String? { get }
    func differences(from requested: Self) -> [String]
}

extension CacheMetadata: ShardMetadata {}
extension FaceCacheMetadata: ShardMetadata {}

/// Refuses a shard whose settings, tool version or listing differ from the first shard's, naming each difference.
func checkShardSettings<Metadata: ShardMetadata>(_ found: Metadata, as first: Metadata, file: String, firstFile: String,
                                                 fix: String) throws {
    var comparable = found
    comparable.shard = first.shard
    var differences = comparable.differences(from: first)
        .map { $0.replacingOccurrences(of: "cache has", with: "shard has").replacingOccurrences(of: "requested", with: "\(firstFile) has") }
    if found.toolVersion != first.toolVersion {
        differences.append("tool_version: shard has \(found.toolVersion), \(firstFile) has \(first.toolVersion)")
    }
    if found.listingSHA256 != first.listingSHA256 {
        differences.append("listing_sha256: the dataset listing differs from \(firstFile)'s")
    }
    guard differences.isEmpty else {
        throw ShardMergeError(file: file, problem: "it was made with other settings (\(differences.joined(separator: "; ")))", fix: fix)
    }
}
