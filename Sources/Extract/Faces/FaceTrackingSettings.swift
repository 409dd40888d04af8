/// How `FaceTracking` picks and follows a video's subject. Stored as values in the face-track cache
/// (`tracking_*` attributes), so a cache is rebuilt when they change.
public struct FaceTrackingSettings: Sendable, Equatable, Codable {
    /// Faces at least this probable seed the subject's track; only when no slot has one, any face may.
    public var seedConfidence: Float
    /// How far the subject's centre may move from one found slot to the next, in sizes (longer side) of the
    /// last box it was found in. Beyond it a face is someone else.
    public var maximumCentreShift: Float
    /// How much the subject's size (square root of the box area) may change from one found slot to the
    /// next, as a factor either way.
    public var maximumSizeChange: Float

    public init(seedConfidence: Float = 0.99, maximumCentreShift: Float = 1.5, maximumSizeChange: Float = 2.0) {
        self.seedConfidence = seedConfidence
        self.maximumCentreShift = maximumCentreShift
        self.maximumSizeChange = maximumSizeChange
    }

    /// A line for logs and reports; the values themselves are what caches compare.
    public var description: String {
        "\(FaceTracking.algorithm): seeds = largest face per slot with p >= \(seedConfidence), subject = the seed "
            + "followed through most slots; follow by IoU, centre shift <= \(maximumCentreShift) x box size, "
            + "size change <= \(maximumSizeChange)x; gaps interpolated linearly, ends copy the nearest found box"
    }
}
