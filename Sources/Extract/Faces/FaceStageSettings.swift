import Foundation
import Shared

/// Everything that decides a video's face track: the detector and its settings, the size it looks at, and
/// how the subject is followed. Two runs with equal settings find the same tracks.
public struct FaceStageSettings: Sendable, Equatable {
    public var detector: MTCNNSettings
    public var resolution: DetectionResolution
    public var tracking: FaceTrackingSettings

    public init(detector: MTCNNSettings = .facenetDefaults, resolution: DetectionResolution = DetectionResolution(),
                tracking: FaceTrackingSettings = FaceTrackingSettings()) {
        self.detector = detector
        self.resolution = resolution
        self.tracking = tracking
    }

    /// The face cache's metadata for a dataset sampled `frames` at a time by `samplingPolicy`.
    public func cacheMetadata(dataset: String, frames: Int, samplingPolicy: String) -> FaceCacheMetadata {
        let hashes = MTCNN.weightSHA256s
        return FaceCacheMetadata(
            dataset: dataset, frames: frames, samplingPolicy: samplingPolicy, detector: detector.description,
            detectorMinFaceSize: detector.minFaceSize, detectorScaleFactor: detector.scaleFactor,
            detectorThresholds: detector.thresholds, detectionMaxSide: resolution.maxSide,
            pnetSHA256: hashes[0], rnetSHA256: hashes[1], onetSHA256: hashes[2], tracking: tracking)
    }
}

extension FaceCacheMetadata {
    /// SHA-256 of every setting that shapes the tracks (the tool version, dataset, listing and shard aside):
    /// what an embedding cache made from face crops records, so crops from other tracks never pass for these.
    public var settingsSHA256: String {
        var identity = self
        identity.toolVersion = ""
        identity.dataset = ""
        identity.listingSHA256 = nil
        identity.shard = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var hasher = SHA256()
        hasher.update([UInt8]((try? encoder.encode(identity)) ?? Data()))
        return hasher.finalize()
    }
}
