/// One video's subject, slot by slot: where the face is in each sampled frame, whether it was really
/// detected there, and how sure the detector was. Coordinates are pixels of the full-resolution,
/// rotation-applied frame. Every array has one entry per slot.
public struct FaceTrack: Sendable, Equatable {
    /// The subject's box; interpolated from the neighbouring found slots where it was not found;
    /// all zero in padded slots (no frame).
    public var boxes: [FaceBox]
    /// The detector's probability for the subject in that slot; 0 where it was not found.
    public var scores: [Float]
    /// Five landmarks per slot (MTCNN's order), interpolated like the boxes; zero points in padded slots.
    public var landmarks: [[FacePoint]]
    /// True where the subject was detected in that slot's frame.
    public var found: [Bool]

    public init(boxes: [FaceBox], scores: [Float], landmarks: [[FacePoint]], found: [Bool]) {
        self.boxes = boxes
        self.scores = scores
        self.landmarks = landmarks
        self.found = found
    }

    /// Slots (F).
    public var slotCount: Int { boxes.count }

    /// Landmarks per slot (the five points MTCNN gives).
    public static let landmarkCount = 5

    /// What a padded slot holds.
    static let emptyBox = FaceBox(x1: 0, y1: 0, x2: 0, y2: 0)
    static let emptyLandmarks = [FacePoint](repeating: FacePoint(x: 0, y: 0), count: landmarkCount)
}
