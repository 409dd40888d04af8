import Foundation
import Extract
import Shared

/// An embedding cache loaded for training: sequences, masks, labels, and the splits the dataset fixes.
public struct CachedTrainingSet: Sendable {
    public let cacheURL: URL
    public let metadata: CacheMetadata
    public let data: TrainingData
    /// Per video: "train"/"val"/"test" when the dataset fixed it (labels.csv's split column), else nil.
    public let fixedSplits: [String?]
    /// Per video: identity group (actor, celebrity, source video) from the dataset layout, else nil.
    public let groups: [String?]

    /// Reads the whole cache into memory ([videos, frames, dim] float32) and checks it can be trained on.
    public init(cacheURL: URL, backbone: String, crop: String = "whole-frame", frames: Int) throws {
        guard FileManager.default.fileExists(atPath: cacheURL.path) else {
            throw PipelineError("no embedding cache at \(cacheURL.path): run `make extract` with the same DATA, FRAMES and BACKBONE first")
        }
        let reader = try EmbeddingCacheReader(url: cacheURL)
        let metadata = reader.metadata
        guard metadata.backbone == backbone, metadata.frames == frames, metadata.cropPolicy == crop else {
            throw PipelineError("\(cacheURL.path) holds \(metadata.backbone) embeddings of \(metadata.frames) frames (\(metadata.cropPolicy)), not \(backbone) at \(frames) (\(crop)): delete it or extract again with the matching options")
        }
        try reader.checkFitsInMemory()
        let count = reader.videoCount
        let dim = metadata.embeddingDimension
        var sequences = [Float](repeating: 0, count: count * frames * dim)
        var mask = [Float](repeating: 0, count: count * frames)
        for video in 0..<count {
            // The reader refuses non-finite or huge values, naming the video.
            let embeddings = try reader.embeddings(at: video)
            sequences.replaceSubrange(video * frames * dim..<(video + 1) * frames * dim, with: embeddings)
            for (slot, valid) in try reader.valid(at: video).enumerated() where valid { mask[video * frames + slot] = 1 }
        }
        let labels = reader.labels.map(Int.init)
        let fakes = labels.filter { $0 == 1 }.count
        guard fakes > 0, fakes < labels.count else {
            throw PipelineError("\(cacheURL.path): all \(labels.count) videos are \(fakes > 0 ? "fake" : "real"): a detector needs both classes; check the dataset's labels (real/ and fake/ folders, or labels.csv)")
        }
        guard count >= 10 else {
            throw PipelineError("\(cacheURL.path) holds only \(count) videos: train/val/test splits need at least 10 (the notebook used 200)")
        }
        self.cacheURL = cacheURL
        self.metadata = metadata
        self.data = try TrainingData(sequences: Tensor(shape: [count, frames, dim], data: sequences),
                                     mask: Tensor(shape: [count, frames], data: mask),
                                     labels: labels, videoIDs: reader.videoPaths)
        self.fixedSplits = reader.splits.map { $0.map { $0.isEmpty ? nil : $0 } } ?? Array(repeating: nil, count: count)
        self.groups = reader.groups.map { $0.map { $0.isEmpty ? nil : $0 } } ?? Array(repeating: nil, count: count)
    }
}
