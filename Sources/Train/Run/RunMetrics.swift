import Foundation

/// metrics.json of one run: how the kept (best-epoch) head scores on each split.
public struct RunMetrics: Codable, Sendable, Equatable {
    public struct SplitScores: Codable, Sendable, Equatable {
        public var videos: Int
        public var loss: Double
        public var accuracy: Double
        public var auc: Double
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
    }

    public var request: TrainingRequest
    public var train: SplitScores
    public var validation: SplitScores
    public var test: SplitScores
    public var testConfusion: Confusion
    public var bestEpoch: Int              // 1-based, as printed
    public var epochsRun: Int
    public var stoppedEarly: Bool
    public var trainSeconds: Double
    public var parameterCount: Int
    public var cacheFile: String

    enum CodingKeys: String, CodingKey {
        case request, train, validation = "val", test, testConfusion = "test_confusion_matrix",
             bestEpoch = "best_epoch", epochsRun = "epochs_run", stoppedEarly = "stopped_early",
             trainSeconds = "train_seconds", parameterCount = "parameters", cacheFile = "cache"
    }

    init(request: TrainingRequest, evaluations: (train: Evaluation, validation: Evaluation, test: Evaluation),
         sizes: (Int, Int, Int), result: TrainingResult, trainSeconds: Double, cacheFile: String) {
        func scores(_ e: Evaluation, _ n: Int) -> SplitScores { SplitScores(videos: n, loss: e.loss, accuracy: e.accuracy, auc: e.auc) }
        self.request = request
        train = scores(evaluations.train, sizes.0)
        validation = scores(evaluations.validation, sizes.1)
        test = scores(evaluations.test, sizes.2)
        let c = evaluations.test.confusion
        testConfusion = Confusion(threshold: 0.5, truePositives: c.truePositives, falsePositives: c.falsePositives,
                                  trueNegatives: c.trueNegatives, falseNegatives: c.falseNegatives)
        bestEpoch = result.bestEpoch + 1
        epochsRun = result.history.count
        stoppedEarly = result.stoppedEarly
        self.trainSeconds = trainSeconds
        parameterCount = result.bestHead.parameterCount
        self.cacheFile = cacheFile
    }

    public var leaderboardRow: LeaderboardRow {
        LeaderboardRow(runDirectory: "", backbone: request.backbone, frames: request.frames, arch: request.architecture,
                       seed: request.seed, learningRate: request.learningRate, epochs: epochsRun,
                       trainSeconds: trainSeconds, valAUC: validation.auc, valAccuracy: validation.accuracy,
                       valLoss: validation.loss, testAUC: test.auc, testAccuracy: test.accuracy)
    }
}
