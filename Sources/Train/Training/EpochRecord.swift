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
