import Foundation
import Shared

/// One scored video: the head's fake probability, or why the video could not be scored, with the frames it
/// read (slot by slot) and, when asked, its running score after each of them.
public struct VideoPrediction: Sendable, Codable, Equatable {
    public var video: String
    public var fakeProbability: Double?
    public var label: String?          // "fake" / "real" at the model's threshold (fake above it)
    public var validFrames: Int
    public var error: String?
    /// The model's threshold the label was decided at.
    public var threshold: Double?
    /// Decoded frame index of each sampled slot; -1 for a padding slot of a short video.
    public var frameIndices: [Int] = []
    /// Seconds from the first frame (frame index / the container's average frame rate); nil for padding
    /// slots and when the container declares no frame rate.
    public var timeStamps: [Double?] = []
    /// Whether each slot was read by the head (false: padding, or no face found in it).
    public var validSlots: [Bool] = []
    /// The head's probability after reading slots 0...i (`Head.runningScores`); nil before the first valid
    /// slot. Empty unless per-frame scores were asked for.
    public var runningScores: [Double?] = []
    /// The video's label from a labels file ("fake" / "real"), when one lists it.
    public var trueLabel: String?
    /// The slots' network inputs (face crops for face models), shrunk, for a report; never written as JSON.
    public var thumbnails: [RGBImage] = []

    public init(video: String, fakeProbability: Double?, label: String?, validFrames: Int, error: String?,
                threshold: Double? = nil) {
        (self.video, self.fakeProbability, self.label, self.validFrames, self.error) = (video, fakeProbability, label, validFrames, error)
        self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey {
        case video, fakeProbability = "fake_probability", label, validFrames = "valid_frames", error, threshold
        case frameIndices = "frame_indices", timeStamps = "time_stamps", validSlots = "valid_slots"
        case runningScores = "running_scores", trueLabel = "true_label"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        video = try container.decode(String.self, forKey: .video)
        fakeProbability = try container.decodeIfPresent(Double.self, forKey: .fakeProbability)
        label = try container.decodeIfPresent(String.self, forKey: .label)
        validFrames = try container.decode(Int.self, forKey: .validFrames)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        threshold = try container.decodeIfPresent(Double.self, forKey: .threshold)
        frameIndices = try container.decodeIfPresent([Int].self, forKey: .frameIndices) ?? []
        timeStamps = try container.decodeIfPresent([Double?].self, forKey: .timeStamps) ?? []
        validSlots = try container.decodeIfPresent([Bool].self, forKey: .validSlots) ?? []
        runningScores = try container.decodeIfPresent([Double?].self, forKey: .runningScores) ?? []
        trueLabel = try container.decodeIfPresent(String.self, forKey: .trueLabel)
    }

    /// JSON has no NaN or infinity: a non-finite score is written as null so one bad row never fails the output.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(video, forKey: .video)
        try container.encode(Self.finite(fakeProbability), forKey: .fakeProbability)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encode(validFrames, forKey: .validFrames)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(threshold, forKey: .threshold)
        try container.encode(frameIndices, forKey: .frameIndices)
        try container.encode(timeStamps.map(Self.finite), forKey: .timeStamps)
        try container.encode(validSlots, forKey: .validSlots)
        if !runningScores.isEmpty { try container.encode(runningScores.map(Self.finite), forKey: .runningScores) }
        try container.encodeIfPresent(trueLabel, forKey: .trueLabel)
    }

    private static func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
}
