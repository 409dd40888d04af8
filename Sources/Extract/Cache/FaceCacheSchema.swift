import Foundation

/// Names and layout of the face-track cache file (documented in docs/face-cache-format.md). The datasets
/// it shares with the embedding cache (/videos, /labels, /frame_indices, /valid, stamps, splits, groups,
/// /failures) keep `CacheSchema.Dataset`'s names.
public enum FaceCacheSchema {
    public static let formatVersion = 1
    /// The `kind` attribute: tells a face-track cache from an embedding cache.
    public static let kind = "face-tracks"

    /// `<root>/<dataset>/faces_f<frames>.h5`, e.g. cache/CelebDF/faces_f32.h5: one per dataset and frame
    /// count, shared by every backbone and crop size.
    public static func cacheURL(root: URL, dataset: String, frames: Int) -> URL {
        root.appendingPathComponent(dataset, isDirectory: true).appendingPathComponent("faces_f\(frames).h5")
    }

    public enum Dataset {
        /// float32 [N, F, 4]: x1, y1, x2, y2 in pixels of the displayed full-resolution frame.
        public static let boxes = "boxes"
        /// float32 [N, F]: detector probability where found, 0 elsewhere.
        public static let scores = "scores"
        /// float32 [N, F, 5, 2]: five (x, y) landmarks per slot.
        public static let landmarks = "landmarks"
        /// uint8 [N, F]: 1 where the subject was detected, 0 where interpolated or padded.
        public static let faceFound = "face_found"
        /// int32 [N, 2]: display width and height of the video (rotation applied).
        public static let frameSizes = "frame_sizes"
    }

    public enum Attribute {
        public static let formatVersion = CacheSchema.Attribute.formatVersion
        public static let kind = "kind"
        public static let dataset = CacheSchema.Attribute.dataset
        public static let frames = CacheSchema.Attribute.frames
        public static let samplingPolicy = CacheSchema.Attribute.samplingPolicy
        public static let detector = "detector"
        public static let detectorMinFaceSize = "detector_min_face_size"
        public static let detectorScaleFactor = "detector_scale_factor"
        public static let detectorThresholds = "detector_thresholds"
        public static let detectionMaxSide = "detection_max_side"
        public static let pnetSHA256 = "weights_sha256_pnet"
        public static let rnetSHA256 = "weights_sha256_rnet"
        public static let onetSHA256 = "weights_sha256_onet"
        public static let trackingAlgorithm = "tracking_algorithm"
        public static let trackingSeedConfidence = "tracking_seed_confidence"
        public static let trackingMaximumCentreShift = "tracking_max_centre_shift"
        public static let trackingMaximumSizeChange = "tracking_max_size_change"
        /// The tracking settings in words, for people; never read back.
        public static let tracking = "tracking"
        public static let toolVersion = CacheSchema.Attribute.toolVersion
        public static let createdAt = CacheSchema.Attribute.createdAt
    }
}
