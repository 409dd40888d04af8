import Shared

/// What produced a face-track cache: two caches with equal metadata (tool version aside) hold the same
/// tracks. Every field is a value the caller fills from the detector, sampler and tracker it ran.
public struct FaceCacheMetadata: Sendable, Equatable, Codable {
    /// Dataset name.
    public var dataset: String
    /// Frames sampled per video (FRAMES).
    public var frames: Int
    /// The frame sampler's policy name, as the embedding cache records it.
    public var samplingPolicy: String
    /// The detector in words, e.g. "mtcnn facenet-pytorch-2.6.0 min-face 20 factor 0.709 thresholds 0.6,0.7,0.7".
    public var detector: String
    /// MTCNN's min_face_size, pixels.
    public var detectorMinFaceSize: Int
    /// MTCNN's pyramid factor.
    public var detectorScaleFactor: Double
    /// MTCNN's P-Net, R-Net and O-Net thresholds.
    public var detectorThresholds: [Float]
    /// Frames whose longer side exceeds this are detected on a downscaled copy (boxes mapped back to full
    /// resolution); 0 = always detect at full resolution.
    public var detectionMaxSide: Int
    /// SHA-256 of the P-Net, R-Net and O-Net weight files.
    public var pnetSHA256: String
    public var rnetSHA256: String
    public var onetSHA256: String
    /// `FaceTracking.algorithm` of the tracker that made the tracks.
    public var trackingAlgorithm: String
    public var tracking: FaceTrackingSettings
    public var toolVersion: String
    /// SHA-256 of the dataset listing the cache was made from (`ListingDigest`); not a setting.
    public var listingSHA256: String?
    /// Shard files only: which part of the listing this file holds (`ShardPlan`).
    public var shard: ShardSpec?

    public init(dataset: String, frames: Int, samplingPolicy: String, detector: String, detectorMinFaceSize: Int,
                detectorScaleFactor: Double, detectorThresholds: [Float], detectionMaxSide: Int,
                pnetSHA256: String, rnetSHA256: String, onetSHA256: String,
                trackingAlgorithm: String = FaceTracking.algorithm, tracking: FaceTrackingSettings = .init(),
                toolVersion: String = ToolVersion.string) {
        self.dataset = dataset
        self.frames = frames
        self.samplingPolicy = samplingPolicy
        self.detector = detector
        self.detectorMinFaceSize = detectorMinFaceSize
        self.detectorScaleFactor = detectorScaleFactor
        self.detectorThresholds = detectorThresholds
        self.detectionMaxSide = detectionMaxSide
        self.pnetSHA256 = pnetSHA256
        self.rnetSHA256 = rnetSHA256
        self.onetSHA256 = onetSHA256
        self.trackingAlgorithm = trackingAlgorithm
        self.tracking = tracking
        self.toolVersion = toolVersion
    }

    /// Fields that differ in a way that changes tracks ("name: cache has X, requested Y", named by their
    /// attribute). The tool version is left out so an upgrade does not throw away a valid cache.
    public func differences(from requested: FaceCacheMetadata) -> [String] {
        typealias Name = FaceCacheSchema.Attribute
        var found: [String] = []
        func compare<Value: Equatable>(_ name: String, _ stored: Value, _ wanted: Value) {
            if stored != wanted { found.append("\(name): cache has \(stored), requested \(wanted)") }
        }
        compare(Name.dataset, dataset, requested.dataset)
        compare(Name.frames, frames, requested.frames)
        compare(Name.samplingPolicy, samplingPolicy, requested.samplingPolicy)
        compare(Name.detector, detector, requested.detector)
        compare(Name.detectorMinFaceSize, detectorMinFaceSize, requested.detectorMinFaceSize)
        compare(Name.detectorScaleFactor, detectorScaleFactor, requested.detectorScaleFactor)
        compare(Name.detectorThresholds, detectorThresholds, requested.detectorThresholds)
        compare(Name.detectionMaxSide, detectionMaxSide, requested.detectionMaxSide)
        compare(Name.pnetSHA256, pnetSHA256, requested.pnetSHA256)
        compare(Name.rnetSHA256, rnetSHA256, requested.rnetSHA256)
        compare(Name.onetSHA256, onetSHA256, requested.onetSHA256)
        compare(Name.trackingAlgorithm, trackingAlgorithm, requested.trackingAlgorithm)
        compare(Name.trackingSeedConfidence, tracking.seedConfidence, requested.tracking.seedConfidence)
        compare(Name.trackingMaximumCentreShift, tracking.maximumCentreShift, requested.tracking.maximumCentreShift)
        compare(Name.trackingMaximumSizeChange, tracking.maximumSizeChange, requested.tracking.maximumSizeChange)
        compare("shard", shard.map { "\($0)" } ?? "none", requested.shard.map { "\($0)" } ?? "none")
        return found
    }
}
