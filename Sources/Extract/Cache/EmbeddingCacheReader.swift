import Foundation
import Shared

/// Reads a finished cache: the small per-video arrays up front, embeddings one video (one chunk) at a time.
public struct EmbeddingCacheReader {
    public let url: URL
    public let metadata: CacheMetadata
    /// ISO 8601 time the cache was assembled.
    public let createdAt: String
    /// [videos] sorted paths relative to the dataset root.
    public var videoPaths: [String] { table.paths }
    /// [videos] 1 = fake, 0 = real.
    public var labels: [Int8] { table.labels }
    /// [videos] "train"/"val"/"test", "" for a video without one; nil when the dataset gives no splits.
    public var splits: [String]? { table.splits }
    /// [videos] identity group of each video ("" for none); nil when the dataset layout defines no groups.
    public var groups: [String]? { table.groups }
    public var videoBytes: [Int64] { table.bytes }
    public var videoMtimes: [Double] { table.mtimes }
    public var totalFrames: [Int32] { table.totalFrames }
    public var failures: [CacheFailure] { table.failures }

    /// The columns every cache kind shares, checked.
    let table: CacheVideoTable
    private let file: HDF5File
    private let embeddingsDataset: HDF5Dataset
    private let frameIndicesDataset: HDF5Dataset
    /// [videos * FRAMES] 1 for a real frame; small, so read and checked up front.
    private let validFlags: [UInt8]

    public var videoCount: Int { table.count }
    /// A merged cache: its per-frame datasets read the shard files in shards/ beside it (`ShardMerge`).
    public let isMerged: Bool

    /// Opens and checks a cache (CacheFileCheck): every extent, type and value before it is trusted.
    public init(url: URL) throws {
        try self.init(url: url, acceptingMerged: true)
    }

    /// `acceptingMerged` false refuses virtual datasets: a merge's sources are shards, never merges.
    init(url: URL, acceptingMerged: Bool) throws {
        typealias Name = CacheSchema.Dataset
        self.url = url
        file = try HDF5File.open(url, access: .readOnly)
        metadata = try CacheMetadata.read(from: file)
        try CacheFileCheck.checkMetadata(metadata, file: url.path)
        isMerged = try MergedCacheCheck.isMerged(file)
        guard acceptingMerged || !isMerged else {
            throw CacheFormatError(file: url.path, problem: "it is a merged cache (virtual datasets) where a shard was expected")
        }
        try CacheFileCheck.checkLayout(file, metadata: metadata)
        createdAt = try file.stringAttribute(CacheSchema.Attribute.createdAt)
        table = try CacheVideoTable(reading: file)
        if isMerged { try MergedCacheCheck.checkSources(file, metadata: metadata, paths: table.paths) }
        validFlags = try file.dataset(Name.valid).read(as: UInt8.self)
        embeddingsDataset = try file.dataset(Name.embeddings)
        frameIndicesDataset = try file.dataset(Name.frameIndices)
        try CacheFileCheck.checkValid(validFlags, frames: metadata.frames, paths: table.paths, file: url.path)
    }

    /// Throws unless all embeddings fit in `budget` bytes (default: half the machine's memory).
    public func checkFitsInMemory(budget: UInt64 = ProcessInfo.processInfo.physicalMemory / 2) throws {
        try CacheFileCheck.checkFitsInMemory(videos: videoCount, metadata: metadata, budget: budget, file: url.path)
    }

    /// [FRAMES * dim] embeddings of one video, frame-major (one chunk read).
    /// Refused (naming the video) when a value is not finite or beyond the magnitude limit.
    public func embeddings(at index: Int) throws -> [Float] {
        let values = try embeddingsDataset.readRows(startingAt: index, count: 1, as: Float.self)
        try CacheFileCheck.checkEmbeddings(values, video: videoPaths[index], file: url.path)
        return values
    }

    /// [FRAMES] source frame numbers, -1 for padding.
    public func frameIndices(at index: Int) throws -> [Int32] {
        try frameIndicesDataset.readRows(startingAt: index, count: 1, as: Int32.self)
    }

    /// [FRAMES] false for padded slots.
    public func valid(at index: Int) throws -> [Bool] {
        let frames = metadata.frames
        return validFlags[index * frames..<(index + 1) * frames].map { $0 != 0 }
    }

    public func video(at index: Int) throws -> CachedVideo {
        CachedVideo(path: videoPaths[index], label: labels[index], split: table.split(at: index),
                    bytes: videoBytes[index], mtime: videoMtimes[index], totalFrames: totalFrames[index],
                    frameIndices: try frameIndices(at: index), valid: try valid(at: index),
                    embeddings: try embeddings(at: index))
    }
}
