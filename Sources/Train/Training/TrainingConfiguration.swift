/// Everything that decides a training run; the same configuration and data give a bit-identical run.
public struct TrainingConfiguration: Sendable, Equatable {
    public var architecture: String
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var weightDecay: Float
    public var schedule: LearningRateSchedule
    /// Epochs without val-loss improvement before stopping; nil trains all epochs (best weights still kept).
    public var earlyStoppingPatience: Int?
    public var balanceClasses: Bool
    public var seed: UInt64

    public init(architecture: String = "gru2-fc2", epochs: Int = 50, batchSize: Int = 8, learningRate: Float = 1e-3,
                weightDecay: Float = 0, schedule: LearningRateSchedule = .constant, earlyStoppingPatience: Int? = 10,
                balanceClasses: Bool = true, seed: UInt64 = 42) {
        self.architecture = architecture
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.earlyStoppingPatience = earlyStoppingPatience
        self.balanceClasses = balanceClasses
        self.seed = seed
    }
}
