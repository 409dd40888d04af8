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

/// One epoch of the history (Keras's History: loss, accuracy, val_loss, val_accuracy, plus val AUC and the rate used).
public struct EpochRecord: Sendable, Equatable {
    public let epoch: Int            // 0-based
    public let learningRate: Float
    public let trainLoss: Double     // mean class-weighted training loss over the epoch's samples
    public let trainAccuracy: Double // on the training batches as they were seen (dropout on), as Keras reports it
    public let validationLoss: Double
    public let validationAccuracy: Double
    public let validationAUC: Double
}

/// What a run returns: the per-epoch history and the head with the weights of the best epoch (lowest val loss).
public struct TrainingResult: Sendable {
    public let history: [EpochRecord]
    public let bestEpoch: Int
    public let bestHead: Head
    public let stoppedEarly: Bool
}
