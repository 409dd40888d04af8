import Foundation
import Shared

/// Reads a finished cache: the small per-video arrays up front, embeddings one video (one chunk) at a time.
public struct EmbeddingCacheReader {
    public let url: URL
    public let metadata: CacheMetadata
    /// ISO 8601 time the cache was assembled.
    public let createdAt: String
    /// [videos] sorted paths relative to the dataset root.
    public let videoPaths: [String]
    /// [videos] 1 = fake, 0 = real.
    public let labels: [Int8]
    /// [videos] "train"/"val"/"test", "" for a video without one; nil when the dataset gives no splits.
    public let splits: [String]?
    /// [videos] identity group of each video ("" for none); nil when the dataset layout defines no groups.
    public let groups: [String]?
    public let videoBytes: [Int64]
    public let videoMtimes: [Double]
    public let totalFrames: [Int32]
    public let failures: [CacheFailure]

    private let file: HDF5File
    private let embeddingsDataset: HDF5Dataset
    private let frameIndicesDataset: HDF5Dataset
    /// [videos * FRAMES] 1 for a real frame; small, so read and checked up front.
    private let validFlags: [UInt8]

    public var videoCount: Int { videoPaths.count }

    /// Opens and checks a cache (CacheFileCheck): every extent, type and value before it is trusted.
    public init(url: URL) throws {
        typealias Name = CacheSchema.Dataset
        self.url = url
        file = try HDF5File.open(url, access: .readOnly)
        metadata = try CacheMetadata.read(from: file)
        try CacheFileCheck.checkMetadata(metadata, file: url.path)
        try CacheFileCheck.checkLayout(file, metadata: metadata)
        createdAt = try file.stringAttribute(CacheSchema.Attribute.createdAt)
        videoPaths = try file.dataset(Name.videos).readStrings()
        labels = try file.dataset(Name.labels).read(as: Int8.self)
        splits = try file.contains(Name.splits) ? file.dataset(Name.splits).readStrings() : nil
        groups = try file.contains(Name.groups) ? file.dataset(Name.groups).readStrings() : nil
        videoBytes = try file.dataset(Name.videoBytes).read(as: Int64.self)
        videoMtimes = try file.dataset(Name.videoMtimes).read(as: Double.self)
        totalFrames = try file.dataset(Name.totalFrames).read(as: Int32.self)
        validFlags = try file.dataset(Name.valid).read(as: UInt8.self)
        embeddingsDataset = try file.dataset(Name.embeddings)
        frameIndicesDataset = try file.dataset(Name.frameIndices)
        failures = try Self.readFailures(file)
        try CacheFileCheck.checkVideoRows(paths: videoPaths, labels: labels, splits: splits, bytes: videoBytes,
                                          mtimes: videoMtimes, file: url.path)
        try CacheFileCheck.checkValid(validFlags, frames: metadata.frames, paths: videoPaths, file: url.path)
        try CacheFileCheck.checkFailures(failures, file: url.path)
    }

    private static func readFailures(_ file: HDF5File) throws -> [CacheFailure] {
        typealias Name = CacheSchema.Dataset
        let paths = try file.dataset(Name.failureVideos).readStrings()
        let reasons = try file.dataset(Name.failureReasons).readStrings()
        let bytes = try file.dataset(Name.failureBytes).read(as: Int64.self)
        let mtimes = try file.dataset(Name.failureMtimes).read(as: Double.self)
        return paths.indices.map {
            CacheFailure(path: paths[$0], reason: reasons[$0], bytes: bytes[$0], mtime: mtimes[$0])
        }
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
        // "" marks a video without a split in a dataset that has splits.
        let split = splits.flatMap { $0[index].isEmpty ? nil : $0[index] }
        return CachedVideo(path: videoPaths[index], label: labels[index], split: split, bytes: videoBytes[index],
                           mtime: videoMtimes[index], totalFrames: totalFrames[index],
                           frameIndices: try frameIndices(at: index), valid: try valid(at: index),
                           embeddings: try embeddings(at: index))
    }
}
