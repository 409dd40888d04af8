/// What `VideoPredictor` keeps beyond each video's score.
public struct PredictionDetail: Sendable, Equatable {
    /// The head's running score after every sampled frame (`Head.runningScores`).
    public var runningScores: Bool
    /// Keep each slot's network input shrunk to fit this many pixels a side (for a report); nil keeps none.
    public var thumbnailSide: Int?

    public init(runningScores: Bool = false, thumbnailSide: Int? = nil) {
        self.runningScores = runningScores
        self.thumbnailSide = thumbnailSide
    }
}
