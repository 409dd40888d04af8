/// A head's metrics on one data set, at inference.
public struct Evaluation: Sendable, Equatable {
    public let loss: Double        // mean unweighted binary cross-entropy from logits
    public let accuracy: Double
    public let auc: Double
    public let confusion: Metrics.ConfusionMatrix
    public let probabilities: [Float]
    /// The head's outputs before the sigmoid: ranking metrics use them, as they never saturate into ties.
    public let logits: [Float]
    public let labels: [Int]

    /// Runs `head` over `data` in batches of `batchSize` (inference mode: running BN statistics, no dropout).
    public init(head: Head, data: TrainingData, batchSize: Int = 64) {
        var logits: [Float] = []
        logits.reserveCapacity(data.videoCount)
        var start = 0
        var head = head
        var unused = SeededRandom(seed: 0)
        while start < data.videoCount {
            let indices = Array(start..<min(start + batchSize, data.videoCount))
            logits += head.forward(data.batch(indices), mode: .inference, random: &unused).logits
            start += batchSize
        }
        let labels = data.labels.map(Float.init)
        loss = SigmoidCrossEntropy.forward(logits: logits, labels: labels,
                                           weights: [Float](repeating: 1, count: logits.count))
        self.logits = logits
        self.labels = data.labels
        probabilities = logits.map(sigmoid)
        accuracy = Metrics.accuracy(probabilities: probabilities, labels: data.labels)
        auc = Metrics.rocAUC(scores: logits, labels: data.labels)  // logits: monotone, and do not saturate into ties
        confusion = Metrics.confusionMatrix(probabilities: probabilities, labels: data.labels)
    }
}

extension Evaluation {
    public var balancedAccuracy: Double { Metrics.balancedAccuracy(probabilities: probabilities, labels: labels) }
    public var averagePrecision: Double { Metrics.averagePrecision(scores: logits, labels: labels) }
    public var equalErrorRate: Double { Metrics.equalErrorRate(scores: logits, labels: labels) }
}
