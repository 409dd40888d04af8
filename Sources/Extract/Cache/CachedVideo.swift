/// One video's cached result: per-frame embeddings plus what identifies the source file.
public struct CachedVideo: Sendable, Equatable {
    /// Path relative to the dataset root, with "/" separators.
    public var path: String
    /// 1 = fake, 0 = real.
    public var label: Int8
    /// "train" / "val" / "test" when the dataset defines splits.
    public var split: String?
    /// Source file size and modification time (seconds since 1970), to notice changed files.
    public var bytes: Int64
    public var mtime: Double
    /// Frames the decoder found in the whole video.
    public var totalFrames: Int32
    /// [FRAMES] decoded frame numbers; -1 for padded slots of short videos.
    public var frameIndices: [Int32]
    /// [FRAMES] false for padded slots.
    public var valid: [Bool]
    /// [FRAMES * dim], frame-major.
    public var embeddings: [Float]

    public init(path: String, label: Int8, split: String?, bytes: Int64, mtime: Double, totalFrames: Int32,
                frameIndices: [Int32], valid: [Bool], embeddings: [Float]) {
        self.path = path
        self.label = label
        self.split = split
        self.bytes = bytes
        self.mtime = mtime
        self.totalFrames = totalFrames
        self.frameIndices = frameIndices
        self.valid = valid
        self.embeddings = embeddings
    }

    public var stamp: VideoFileStamp { VideoFileStamp(bytes: bytes, mtime: mtime) }
}

/// A video that could not be processed, and why; kept so reruns do not retry an unchanged file.
public struct CacheFailure: Sendable, Equatable {
    public var path: String
    public var reason: String
    public var bytes: Int64
    public var mtime: Double

    public init(path: String, reason: String, bytes: Int64, mtime: Double) {
        self.path = path
        self.reason = reason
        self.bytes = bytes
        self.mtime = mtime
    }

    public var stamp: VideoFileStamp { VideoFileStamp(bytes: bytes, mtime: mtime) }
}

/// Size and modification time of a source file: if either changes, the video is extracted again.
public struct VideoFileStamp: Sendable, Hashable {
    public var bytes: Int64
    public var mtime: Double

    public init(bytes: Int64, mtime: Double) {
        self.bytes = bytes
        self.mtime = mtime
    }
}

/// A video the dataset currently lists: what the final cache should hold a row (or failure) for.
public struct WantedVideo: Sendable, Equatable {
    public var path: String
    public var label: Int8
    public var split: String?
    public var bytes: Int64
    public var mtime: Double
    /// Identity group (actor, celebrity, source video) for leak-free splits; nil when the layout has none.
    public var group: String?

    public init(path: String, label: Int8, split: String?, bytes: Int64, mtime: Double, group: String? = nil) {
        self.path = path
        self.label = label
        self.split = split
        self.bytes = bytes
        self.mtime = mtime
        self.group = group
    }

    public var stamp: VideoFileStamp { VideoFileStamp(bytes: bytes, mtime: mtime) }
}
