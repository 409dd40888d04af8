import Foundation

/// metrics.json of one run: how the kept (best-epoch) head scores on each split.
public struct RunMetrics: Codable, Sendable, Equatable {
    /// One split's scores. The optional ones are absent from runs written before they existed, and where
    /// undefined (a class missing from the split).
    public struct SplitScores: Codable, Sendable, Equatable {
        public var videos: Int
        /// How many of `videos` are fake (absent from runs written before it existed).
        public var fakes: Int?
        /// Log loss: mean binary cross-entropy (natural log, unweighted).
        public var loss: Double
        /// At threshold 0.5 (probability > 0.5 is fake).
        public var accuracy: Double
        public var auc: Double
        public var balancedAccuracy: Double?
        public var averagePrecision: Double?
        public var equalErrorRate: Double?
        /// At the threshold chosen on the validation split (`val_threshold`).
        public var accuracyAtValThreshold: Double?
        public var balancedAccuracyAtValThreshold: Double?
        /// Test split only: 95% stratified bootstrap intervals (BootstrapInterval).
        public var aucInterval: BootstrapInterval?
        public var accuracyInterval: BootstrapInterval?

        enum CodingKeys: String, CodingKey {
            case videos, fakes, loss, accuracy, auc, balancedAccuracy = "balanced_accuracy", averagePrecision = "average_precision",
                 equalErrorRate = "eer", accuracyAtValThreshold = "accuracy_at_val_threshold",
                 balancedAccuracyAtValThreshold = "balanced_accuracy_at_val_threshold", aucInterval = "auc_95ci",
                 accuracyInterval = "accuracy_95ci"
        }

        init(_ e: Evaluation, videos: Int, valThreshold: Double) {
            self.videos = videos
            fakes = e.labels.filter { $0 == 1 }.count
            loss = e.loss
            accuracy = e.accuracy
            auc = e.auc
            balancedAccuracy = finite(e.balancedAccuracy)
            averagePrecision = finite(e.averagePrecision)
            equalErrorRate = finite(e.equalErrorRate)
            accuracyAtValThreshold = finite(Metrics.accuracy(probabilities: e.probabilities, labels: e.labels, threshold: valThreshold))
            balancedAccuracyAtValThreshold = finite(Metrics.balancedAccuracy(probabilities: e.probabilities, labels: e.labels,
                                                                             threshold: valThreshold))
        }
    }

    public struct Confusion: Codable, Sendable, Equatable {
        public var threshold: Double
        public var truePositives: Int      // fake called fake
        public var falsePositives: Int     // real called fake
        public var trueNegatives: Int
        public var falseNegatives: Int
        enum CodingKeys: String, CodingKey {
            case threshold, truePositives = "true_fake", falsePositives = "false_fake",
                 trueNegatives = "true_real", falseNegatives = "false_real"
        }

        init(_ c: Metrics.ConfusionMatrix, threshold: Double) {
            self.threshold = threshold
            truePositives = c.truePositives
            falsePositives = c.falsePositives
            trueNegatives = c.trueNegatives
            falseNegatives = c.falseNegatives
        }

        public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

        /// The operating point on the ROC curve; nil when a class is missing.
        public var rates: (falsePositive: Double, truePositive: Double)? {
            let fakes = truePositives + falseNegatives, reals = falsePositives + trueNegatives
            guard fakes > 0, reals > 0 else { return nil }
            return (Double(falsePositives) / Double(reals), Double(truePositives) / Double(fakes))
        }
    }

    public var request: TrainingRequest
    public var train: SplitScores
    public var validation: SplitScores
    public var test: SplitScores
    public var testConfusion: Confusion
    /// Test counts at `val_threshold` (absent from runs written before it existed).
    public var testConfusionAtValThreshold: Confusion?
    public var bestEpoch: Int              // 1-based, as printed
    public var epochsRun: Int
    public var stoppedEarly: Bool
    public var trainSeconds: Double
    public var parameterCount: Int
    public var cacheFile: String
    /// The threshold that maximises validation balanced accuracy (Metrics.balancedAccuracyThreshold); absent
    /// from runs written before it existed, which used 0.5.
    public var valThreshold: Double?
    /// Everything the run resolved that the request does not spell out (absent from older runs).
    public var settings: RunSettings?
    /// Identifies the cache's contents (RunSettings.cacheFingerprint): an identical request on a re-extracted
    /// cache is a different run.
    public var cacheFingerprint: String?

    enum CodingKeys: String, CodingKey {
        case request, train, validation = "val", test, testConfusion = "test_confusion_matrix",
             testConfusionAtValThreshold = "test_confusion_at_val_threshold",
             bestEpoch = "best_epoch", epochsRun = "epochs_run", stoppedEarly = "stopped_early",
             trainSeconds = "train_seconds", parameterCount = "parameters", cacheFile = "cache",
             valThreshold = "val_threshold", settings, cacheFingerprint = "cache_fingerprint"
    }

    init(request: TrainingRequest, evaluations: (train: Evaluation, validation: Evaluation, test: Evaluation),
         sizes: (Int, Int, Int), result: TrainingResult, trainSeconds: Double, cacheFile: String, settings: RunSettings) {
        let threshold = Metrics.balancedAccuracyThreshold(probabilities: evaluations.validation.probabilities,
                                                          labels: evaluations.validation.labels)
        self.request = request
        train = SplitScores(evaluations.train, videos: sizes.0, valThreshold: threshold)
        validation = SplitScores(evaluations.validation, videos: sizes.1, valThreshold: threshold)
        test = SplitScores(evaluations.test, videos: sizes.2, valThreshold: threshold)
        let seed = UInt64(truncatingIfNeeded: request.seed)
        let e = evaluations.test
        test.aucInterval = BootstrapInterval.compute(scores: e.logits, labels: e.labels, seed: seed, metric: Metrics.rocAUC)
        test.accuracyInterval = BootstrapInterval.compute(scores: e.probabilities, labels: e.labels, seed: seed) {
            Metrics.accuracy(probabilities: $0, labels: $1)
        }
        valThreshold = threshold
        self.settings = settings
        cacheFingerprint = settings.cacheFingerprint
        testConfusion = Confusion(evaluations.test.confusion, threshold: 0.5)
        testConfusionAtValThreshold = Confusion(Metrics.confusionMatrix(probabilities: e.probabilities, labels: e.labels,
                                                                        threshold: threshold), threshold: threshold)
        bestEpoch = result.bestEpoch + 1
        epochsRun = result.history.count
        stoppedEarly = result.stoppedEarly
        self.trainSeconds = trainSeconds
        parameterCount = result.bestHead.parameterCount
        self.cacheFile = cacheFile
    }

    public var leaderboardRow: LeaderboardRow {
        var row = LeaderboardRow(runDirectory: "", backbone: request.backbone, frames: request.frames, arch: request.architecture,
                                 seed: request.seed, learningRate: request.learningRate, epochs: epochsRun,
                                 trainSeconds: trainSeconds, valAUC: validation.auc, valAccuracy: validation.accuracy,
                                 valLoss: validation.loss, testAUC: test.auc, testAccuracy: test.accuracy)
        row.crop = request.crop
        row.sampling = settings?.sampling
        row.testAUCInterval = test.aucInterval
        row.testAccuracyInterval = test.accuracyInterval
        row.testAveragePrecision = test.averagePrecision
        row.testEqualErrorRate = test.equalErrorRate
        row.valThreshold = valThreshold
        row.testBalancedAccuracyAtValThreshold = test.balancedAccuracyAtValThreshold
        return row
    }

    /// The run's identity for "already trained": the same request on the same cache contents.
    public func sameRun(as other: RunMetrics) -> Bool { request == other.request && cacheFingerprint == other.cacheFingerprint }
}

/// JSON has no NaN: an undefined metric is left out.
func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
