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
    private let validDataset: HDF5Dataset

    public var videoCount: Int { videoPaths.count }

    public init(url: URL) throws {
        typealias Name = CacheSchema.Dataset
        self.url = url
        file = try HDF5File.open(url, access: .readOnly)
        metadata = try CacheMetadata.read(from: file)
        createdAt = try file.stringAttribute(CacheSchema.Attribute.createdAt)
        videoPaths = try file.dataset(Name.videos).readStrings()
        labels = try file.dataset(Name.labels).read(as: Int8.self)
        splits = try file.contains(Name.splits) ? file.dataset(Name.splits).readStrings() : nil
        groups = try file.contains(Name.groups) ? file.dataset(Name.groups).readStrings() : nil
        videoBytes = try file.dataset(Name.videoBytes).read(as: Int64.self)
        videoMtimes = try file.dataset(Name.videoMtimes).read(as: Double.self)
        totalFrames = try file.dataset(Name.totalFrames).read(as: Int32.self)
        let failurePaths = try file.dataset(Name.failureVideos).readStrings()
        let reasons = try file.dataset(Name.failureReasons).readStrings()
        let failureBytes = try file.dataset(Name.failureBytes).read(as: Int64.self)
        let failureMtimes = try file.dataset(Name.failureMtimes).read(as: Double.self)
        embeddingsDataset = try file.dataset(Name.embeddings)
        frameIndicesDataset = try file.dataset(Name.frameIndices)
        validDataset = try file.dataset(Name.valid)

        let count = videoPaths.count
        let frames = metadata.frames
        let expected: [(String, [Int], [Int])] = [
            (Name.embeddings, try embeddingsDataset.shape(), [count, frames, metadata.embeddingDimension]),
            (Name.frameIndices, try frameIndicesDataset.shape(), [count, frames]),
            (Name.valid, try validDataset.shape(), [count, frames]),
            (Name.labels, [labels.count], [count]),
            (Name.videoBytes, [videoBytes.count], [count]),
            (Name.videoMtimes, [videoMtimes.count], [count]),
            (Name.totalFrames, [totalFrames.count], [count]),
            (Name.splits, [splits?.count ?? count], [count]),
            (Name.groups, [groups?.count ?? count], [count]),
            (Name.failureReasons, [reasons.count], [failurePaths.count]),
            (Name.failureBytes, [failureBytes.count], [failurePaths.count]),
            (Name.failureMtimes, [failureMtimes.count], [failurePaths.count]),
        ]
        for (name, shape, wanted) in expected where shape != wanted {
            throw CacheFormatError(file: url.path, problem: "/\(name) has shape \(shape), expected \(wanted)")
        }
        var failures: [CacheFailure] = []
        for index in 0..<failurePaths.count {
            failures.append(CacheFailure(path: failurePaths[index], reason: reasons[index],
                                         bytes: failureBytes[index], mtime: failureMtimes[index]))
        }
        self.failures = failures
    }

    /// [FRAMES * dim] embeddings of one video, frame-major (one chunk read).
    public func embeddings(at index: Int) throws -> [Float] {
        try embeddingsDataset.readRows(startingAt: index, count: 1, as: Float.self)
    }

    /// [FRAMES] source frame numbers, -1 for padding.
    public func frameIndices(at index: Int) throws -> [Int32] {
        try frameIndicesDataset.readRows(startingAt: index, count: 1, as: Int32.self)
    }

    /// [FRAMES] false for padded slots.
    public func valid(at index: Int) throws -> [Bool] {
        try validDataset.readRows(startingAt: index, count: 1, as: UInt8.self).map { $0 != 0 }
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
