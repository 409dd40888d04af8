import Foundation
import Shared

/// `extract merge`: the cache a single run writes, built from the shard caches of `extract --shard`.
///
/// Rows, their order and every value equal the single run's: the shard plan gives each shard one run of
/// consecutive sorted paths, so shard 0's rows then shard 1's ... are the sorted rows. The per-video
/// columns and failures are copied; the per-frame datasets (/embeddings, /frame_indices, /valid) are
/// virtual datasets mapping each shard's rows onto its block (`.virtual`), or copied too (`.copied`).
/// Written like every cache: a temporary file, fsynced, renamed over the cache.
public struct ShardMerge {
    public enum Layout: Sendable { case virtual, copied }

    public struct Outcome: Sendable {
        public let cacheURL: URL
        public let shards: Int
        public let videos: Int
        public let failures: Int
    }

    /// The datasets a virtual merge maps onto the shards rather than copies.
    static let virtualDatasets = [CacheSchema.Dataset.embeddings, CacheSchema.Dataset.frameIndices, CacheSchema.Dataset.valid]

    /// The weights file the merging machine would extract with, and its SHA-256: the shards must match it.
    public struct LocalWeights: Sendable {
        public let file: String
        public let sha256: String

        public init(file: String, sha256: String) {
            self.file = file
            self.sha256 = sha256
        }
    }

    public let cacheURL: URL
    public let backbone: String
    public let crop: String
    public let frames: Int
    /// nil merges without comparing the shards' weights hash with a local file (`--accept-weights-hash`).
    public let weights: LocalWeights?

    public init(cacheURL: URL, backbone: String, crop: String, frames: Int, weights: LocalWeights?) {
        self.cacheURL = cacheURL
        self.backbone = backbone
        self.crop = crop
        self.frames = frames
        self.weights = weights
    }

    /// True when `shards/` beside `cacheURL` holds any shard file of it.
    public static func hasShards(of cacheURL: URL) -> Bool { ShardSet.hasShards(of: cacheURL) }

    @discardableResult
    public func run(layout: Layout) throws -> Outcome {
        let journal = CacheSchema.journalURL(for: cacheURL)
        guard !FileManager.default.fileExists(atPath: journal.path) else {
            throw ShardMergeError(file: cacheURL.path, problem: "an extract run of the whole dataset is unfinished there (\(journal.lastPathComponent))",
                                  fix: "Let it finish, or delete \(journal.path), then merge.")
        }
        let set = try ShardSet(cacheURL: cacheURL, backbone: backbone, crop: crop, frames: frames, weights: weights)
        let (rows, failures) = Self.plannedRows(set.readers.map(\.table))
        let virtual = layout == .virtual && !rows.isEmpty
        let assembler = CacheAssembler<CachedVideo>(
            metadata: set.metadata, journal: nil, caches: set.readers,
            makeRowDatasets: virtual ? { file, count in try Self.makeVirtualRows(in: file, count: count, shards: set) } : nil)
        let temporary = CacheSchema.temporaryURL(for: cacheURL)
        try CacheFormatError.naming(CacheMetadata.cacheName) {
            try assembler.write(to: temporary, rows: rows, failures: failures)
        }
        try DurableFileOperations.syncFile(at: temporary)
        try DurableFileOperations.replace(cacheURL, with: temporary)
        return Outcome(cacheURL: cacheURL, shards: set.readers.count, videos: rows.count, failures: failures.count)
    }

    /// Every row and failure of the shards (tables of shard 0, 1, ...) in that order: the sorted order,
    /// since each shard holds one run of consecutive sorted paths.
    static func plannedRows(_ tables: [CacheVideoTable]) -> (rows: [PlannedCacheRow], failures: [PlannedCacheRow]) {
        var rows: [PlannedCacheRow] = [], failures: [PlannedCacheRow] = []
        for (file, table) in tables.enumerated() {
            for index in 0..<table.count {
                let video = WantedVideo(path: table.paths[index], label: table.labels[index], split: table.split(at: index),
                                        bytes: table.bytes[index], mtime: table.mtimes[index], group: table.group(at: index))
                rows.append((video, .cache(file: file, index: index)))
            }
            for (index, failure) in table.failures.enumerated() {
                let video = WantedVideo(path: failure.path, label: 0, split: nil, bytes: failure.bytes, mtime: failure.mtime)
                failures.append((video, .cache(file: file, index: index)))
            }
        }
        return (rows, failures)
    }

    /// Each per-frame dataset as a virtual dataset: shard k's rows 0..<n_k at rows o_k..<o_k+n_k, where o_k
    /// counts the rows of the shards before it; source files named `shards/<file>` (relative).
    private static func makeVirtualRows(in file: HDF5File, count: Int, shards: ShardSet) throws {
        var blocks: [HDF5VirtualBlock] = []
        var offset = 0
        for reader in shards.readers where reader.videoCount > 0 {
            blocks.append(HDF5VirtualBlock(file: "shards/" + reader.url.lastPathComponent, dataset: "",
                                           firstRow: offset, rows: reader.videoCount))
            offset += reader.videoCount
        }
        func mapped(_ name: String) -> [HDF5VirtualBlock] {
            blocks.map { var block = $0; block.dataset = "/" + name; return block }
        }
        typealias Name = CacheSchema.Dataset
        let frames = shards.metadata.frames, dimension = shards.metadata.embeddingDimension
        try file.createVirtualDataset(Name.embeddings, of: Float.self, shape: [count, frames, dimension],
                                      blocks: mapped(Name.embeddings))
        try file.createVirtualDataset(Name.frameIndices, of: Int32.self, shape: [count, frames], blocks: mapped(Name.frameIndices))
        try file.createVirtualDataset(Name.valid, of: UInt8.self, shape: [count, frames], blocks: mapped(Name.valid))
    }
}
