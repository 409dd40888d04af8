/// One video's row of the face-track cache: what identifies the source file, which frames the slots hold,
/// the display size and the subject's track.
public struct FaceTrackRecord: Sendable, Equatable {
    /// Path relative to the dataset root, with "/" separators.
    public var path: String
    /// 1 = fake, 0 = real.
    public var label: Int8
    /// "train" / "val" / "test" when the dataset defines splits.
    public var split: String?
    /// Identity group when the dataset layout defines them.
    public var group: String?
    /// Source file size and modification time (seconds since 1970), to notice changed files.
    public var bytes: Int64
    public var mtime: Double
    /// Frames the decoder found in the whole video.
    public var totalFrames: Int32
    /// [FRAMES] decoded frame numbers; -1 for padded slots of short videos.
    public var frameIndices: [Int32]
    /// [FRAMES] false for padded slots.
    public var valid: [Bool]
    /// Display size of the video's frames (rotation applied): the space the boxes are in.
    public var frameWidth: Int32
    public var frameHeight: Int32
    /// [FRAMES] the subject, slot by slot.
    public var track: FaceTrack

    public init(path: String, label: Int8, split: String?, group: String? = nil, bytes: Int64, mtime: Double,
                totalFrames: Int32, frameIndices: [Int32], valid: [Bool], frameWidth: Int32, frameHeight: Int32,
                track: FaceTrack) {
        self.path = path
        self.label = label
        self.split = split
        self.group = group
        self.bytes = bytes
        self.mtime = mtime
        self.totalFrames = totalFrames
        self.frameIndices = frameIndices
        self.valid = valid
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.track = track
    }

    public var stamp: VideoFileStamp { VideoFileStamp(bytes: bytes, mtime: mtime) }
}
