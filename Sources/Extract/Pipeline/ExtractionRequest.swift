import Foundation
import Shared

/// Everything one `extract` run needs, resolved from pipeline.yaml and the command line.
public struct ExtractionRequest: Sendable {
    public var dataset: String
    public var dataDirectory: URL
    public var cacheDirectory: URL
    public var modelsDirectory: URL
    public var frames: Int
    public var backbone: BackboneKind
    /// --weights: a checkpoint of the backbone's architecture to use instead of the published one under models/.
    public var weights: URL?
    public var crop: CropPolicy
    /// How frames are located: exact by default; nearest-decodable is the opt-in fast mode.
    public var samplingMode: SamplingMode = .exact
    /// Face crops: the square's side over the face box's longer side.
    public var faceScale: Float = FramePreprocessing.defaultFaceScale
    /// Face crops: detection runs on a copy of each frame whose longer side is at most this.
    public var detectMaxSide = 1280
    /// Face crops: what to do with a video where no face is found (fail it, or embed whole frames).
    public var noFace: NoFacePolicy = .fail
    /// Frames per CNN call: larger batches make bigger GEMMs, up to a point.
    public var batchSize: Int
    /// FaceForensics++ / DFD methods and compression, and how fakes join identity groups.
    public var layout = LayoutOptions()
    /// `--shard I/N`: extract only this part of the dataset into its own shard cache (`ShardPlan`).
    public var shard: ShardSpec?

    public init(dataset: String, dataDirectory: URL, cacheDirectory: URL, modelsDirectory: URL,
                frames: Int, backbone: BackboneKind, crop: CropPolicy, batchSize: Int) {
        self.dataset = dataset
        self.dataDirectory = dataDirectory
        self.cacheDirectory = cacheDirectory
        self.modelsDirectory = modelsDirectory
        self.frames = frames
        self.backbone = backbone
        self.crop = crop
        self.batchSize = batchSize
    }

    /// How frames become network inputs.
    public var preprocessing: FramePreprocessing {
        FramePreprocessing(crop: crop, outputSize: backbone.inputSize, faceScale: faceScale)
    }

    /// How face tracks are found (face crops only).
    public var faceStageSettings: FaceStageSettings {
        FaceStageSettings(resolution: DetectionResolution(maxSide: detectMaxSide))
    }

    /// The allowed frame counts: the notebook went from 16 to 256; beyond 4096 is surely a typo.
    public static let frameRange = 1...4096

    /// `cache/<DATA>/<backbone>[_<crop>]_f<FRAMES>.h5`: one cache per dataset, backbone, crop and frame count.
    public var cacheURL: URL {
        Self.cacheURL(cacheDirectory: cacheDirectory, dataset: dataset, backbone: backbone, crop: crop, frames: frames)
    }

    /// The file this run writes: the cache, or the shard's file beside it in `shards/`.
    public var outputURL: URL {
        shard.map { ShardPlan.shardURL(for: cacheURL, shard: $0) } ?? cacheURL
    }

    /// `cache/<DATA>/faces_f<FRAMES>.h5`: the dataset's face tracks (face crops).
    public var faceCacheURL: URL {
        FaceCacheSchema.cacheURL(root: cacheDirectory, dataset: dataset, frames: frames)
    }

    /// The face-track file this run writes: the face cache, or the shard's file beside it in `shards/`.
    public var faceOutputURL: URL {
        shard.map { ShardPlan.shardURL(for: faceCacheURL, shard: $0) } ?? faceCacheURL
    }

    public static func cacheURL(cacheDirectory: URL, dataset: String, backbone: BackboneKind,
                                crop: CropPolicy = .wholeFrame, frames: Int) -> URL {
        CacheSchema.cacheURL(root: cacheDirectory, dataset: dataset, backbone: backbone.rawValue, crop: crop.rawValue,
                             frames: frames)
    }

    /// --weights, or the backbone's published checkpoint under models/ (one error line when it is missing).
    public func weightsURL() throws -> URL {
        if let weights { return weights }
        return try backbone.publishedWeights(in: modelsDirectory)
    }
}
