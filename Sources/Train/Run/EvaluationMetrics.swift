import Foundation

/// eval/<DATA>/metrics.json: a trained head's scores on one dataset's cache (docs/results-format.md).
public struct EvaluationMetrics: Codable, Sendable, Equatable {
    /// The model file's absolute path.
    public var model: String
    /// The dataset the head was trained on, and the one scored here.
    public var trainDataset: String
    public var dataset: String
    public var split: EvaluationSplit
    /// The seed the test split and the bootstrap intervals were drawn with (the model's training seed).
    public var seed: Int
    /// The model's threshold (chosen on its validation split), at which `accuracy_at_val_threshold` is taken.
    public var threshold: Double
    /// The same fields as a run's test metrics, intervals included.
    public var metrics: RunMetrics.SplitScores
    public var confusion: RunMetrics.Confusion
    /// The counts at the model's threshold (`threshold`), as a run's `test_confusion_at_val_threshold`.
    public var confusionAtThreshold: RunMetrics.Confusion?
    public var cacheFile: String
    public var cacheFingerprint: String

    enum CodingKeys: String, CodingKey {
        case model, trainDataset = "train_dataset", dataset, split, seed, threshold, metrics,
             confusion = "confusion_matrix", confusionAtThreshold = "confusion_at_val_threshold", cacheFile = "cache", cacheFingerprint = "cache_fingerprint"
    }

    init(model: String, trainDataset: String, dataset: String, split: EvaluationSplit, seed: Int, threshold: Double,
         evaluation: Evaluation, cacheFile: String, cacheFingerprint: String) {
        (self.model, self.trainDataset, self.dataset, self.split, self.seed) = (model, trainDataset, dataset, split, seed)
        self.threshold = threshold
        (self.cacheFile, self.cacheFingerprint) = (cacheFile, cacheFingerprint)
        let e = evaluation
        // The intervals are drawn exactly as `train` draws the test split's, so the home test split reproduces them.
        var scores = RunMetrics.SplitScores(e, videos: e.labels.count, valThreshold: threshold)
        let bootstrapSeed = UInt64(truncatingIfNeeded: seed)
        scores.aucInterval = BootstrapInterval.compute(scores: e.logits, labels: e.labels, seed: bootstrapSeed, metric: Metrics.rocAUC)
        scores.accuracyInterval = BootstrapInterval.compute(scores: e.probabilities, labels: e.labels, seed: bootstrapSeed) {
            Metrics.accuracy(probabilities: $0, labels: $1)
        }
        metrics = scores
        confusion = RunMetrics.Confusion(e.confusion, threshold: 0.5)
        confusionAtThreshold = RunMetrics.Confusion(Metrics.confusionMatrix(probabilities: e.probabilities, labels: e.labels,
                                                                             threshold: threshold), threshold: threshold)
    }

    public static func read(_ url: URL) throws -> EvaluationMetrics {
        try JSONDecoder().decode(EvaluationMetrics.self, from: Data(contentsOf: url))
    }
}
