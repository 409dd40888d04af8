import Foundation

/// Names and layout of the embedding cache file (documented in docs/cache-format.md).
public enum CacheSchema {
    public static let formatVersion = 1

    /// `<root>/<dataset>/<backbone>_f<frames>.h5` for whole frames, e.g. cache/FaceForensics/mobilenetv2_f32.h5;
    /// other crops name themselves: `<backbone>_face_f<frames>.h5`, `<backbone>_center-crop_f<frames>.h5`.
    public static func cacheURL(root: URL, dataset: String, backbone: String, crop: String = "whole-frame",
                                frames: Int) -> URL {
        let name = crop == "whole-frame" ? "\(backbone)_f\(frames).h5" : "\(backbone)_\(crop)_f\(frames).h5"
        return root.appendingPathComponent(dataset, isDirectory: true).appendingPathComponent(name)
    }

    /// Where finished videos are journalled while a cache is being built.
    public static func journalURL(for cacheURL: URL) -> URL {
        cacheURL.appendingPathExtension("journal")
    }

    /// Where `finish` assembles the new cache before renaming it over the old one.
    public static func temporaryURL(for cacheURL: URL) -> URL {
        cacheURL.appendingPathExtension("tmp")
    }

    public enum Dataset {
        public static let embeddings = "embeddings"
        public static let labels = "labels"
        public static let videos = "videos"
        public static let frameIndices = "frame_indices"
        public static let valid = "valid"
        public static let videoBytes = "video_bytes"
        public static let videoMtimes = "video_mtimes"
        public static let totalFrames = "total_frames"
        public static let splits = "splits"
        public static let groups = "groups"
        public static let failures = "failures"
        public static let failureVideos = "failures/videos"
        public static let failureReasons = "failures/reasons"
        public static let failureBytes = "failures/video_bytes"
        public static let failureMtimes = "failures/video_mtimes"
    }

    public enum Attribute {
        public static let formatVersion = "format_version"
        public static let backbone = "backbone"
        public static let weightsSHA256 = "weights_sha256"
        public static let inputSize = "input_size"
        public static let normalization = "normalization"
        public static let frames = "frames"
        public static let embeddingDimension = "embedding_dim"
        public static let samplingPolicy = "sampling_policy"
        public static let cropPolicy = "crop_policy"
        public static let toolVersion = "tool_version"
        public static let createdAt = "created_at"
        public static let dataset = "dataset"
        /// Face crops only: the square's side over the face box's longer side.
        public static let faceScale = "face_scale"
        /// Face crops only: SHA-256 of the face-track settings the boxes came from (detector, its weights,
        /// detection size, tracking; see docs/face-cache-format.md).
        public static let faceTracksSHA256 = "face_tracks_sha256"
        /// Face crops only: what became of videos without a face ("fail": listed as failures; "whole-frame").
        public static let noFace = "no_face"
        /// Face crops only: the detection resolution (longer side, pixels).
        public static let detectMaxSide = "face_detect_max_side"
        /// SHA-256 of the dataset listing's paths and sizes (`ListingDigest`): what freshness is judged by.
        public static let listingSHA256 = "listing_sha256"
        /// Shard caches only: this file's part (from 0) and the number of parts (`ShardPlan`).
        public static let shardIndex = "shard_index"
        public static let shardCount = "shard_count"
    }
}
