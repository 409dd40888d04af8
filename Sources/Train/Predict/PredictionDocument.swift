import Foundation

/// What `predict --json` prints: the model it used and how that model reads a video, then one entry per
/// video, and the labelled metrics when a labels file was given (docs/results-format.md, "predict --json").
public struct PredictionDocument: Sendable, Codable, Equatable {
    public var model: String
    public var threshold: Double
    public var thresholdRule: String?
    public var backbone: String
    public var frames: Int
    public var crop: String
    public var inputSize: Int
    public var videos: [VideoPrediction]
    public var metrics: LabelledMetrics?

    enum CodingKeys: String, CodingKey {
        case model, threshold, thresholdRule = "threshold_rule", backbone, frames, crop, inputSize = "input_size"
        case videos, metrics
    }

    public init(modelPath: String, model: ModelFile, videos: [VideoPrediction], metrics: LabelledMetrics?) {
        self.model = modelPath
        threshold = model.threshold
        thresholdRule = model.thresholdRule
        backbone = model.backbone
        frames = model.frames
        crop = model.cropPolicy
        inputSize = model.inputSize
        self.videos = videos
        self.metrics = metrics
    }

    /// Pretty, key-sorted JSON text.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
