import Foundation
import Shared

/// Stage 2 for one head: cache -> split -> standardize -> fit -> evaluate -> run folder -> leaderboard.
public struct TrainingRun: Sendable {
    public let request: TrainingRequest
    public let resultsDirectory: URL

    public init(request: TrainingRequest, resultsDirectory: URL) {
        self.request = request
        self.resultsDirectory = resultsDirectory
    }

    public struct Outcome: Sendable {
        public var folder: URL
        public var metrics: RunMetrics
        /// True when an identical run already had results and nothing was trained.
        public var reused: Bool

        public var line: String {
            String(format: "train: %@: val AUC %.3f acc %.3f, test AUC %.3f acc %.3f, best epoch %d of %d, %.1f s%@ -> %@",
                   metrics.request.runLabel,
                   metrics.validation.auc, metrics.validation.accuracy, metrics.test.auc, metrics.test.accuracy,
                   metrics.bestEpoch, metrics.epochsRun, metrics.trainSeconds, reused ? " (existing results)" : "", folder.path)
        }
    }

    /// `cache` lets a sweep load one cache for many heads. An identical earlier run (same request, same cache
    /// contents) is reused, or with `force` trained again and replaced, so the leaderboard never lists it twice.
    public func run(cache: CachedTrainingSet, force: Bool = false) throws -> Outcome {
        let configuration = try request.trainingConfiguration()
        _ = try ArchitectureGrammar.parse(request.architecture)
        let fingerprint = RunSettings.fingerprint(cache)
        let earlier = RunFolder.existing(request, cacheFingerprint: fingerprint, resultsDirectory: resultsDirectory)
        if !force, let earlier {
            return Outcome(folder: earlier, metrics: try RunFolder.readMetrics(earlier), reused: true)
        }
        let claimed = try RunFolder.claim(request, resultsDirectory: resultsDirectory)
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(at: RunFolder.partialURL(claimed)) } }
        let data = cache.data
        let split = try SplitPlan(cache: cache, seed: UInt64(truncatingIfNeeded: request.seed), fold: request.fold)
        printError("train: \(request.runLabel): \(split.summary)")

        let rawTrain = data.subset(split.train)
        let standardizer = request.standardize ? Standardizer(fitting: rawTrain) : nil
        func prepared(_ part: TrainingData) -> TrainingData { standardizer?.apply(to: part) ?? part }
        let train = prepared(rawTrain), validation = prepared(data.subset(split.validation)), test = prepared(data.subset(split.test))

        let started = Date(), label = request.runLabel
        let result = try Trainer.train(training: train, validation: validation, configuration: configuration) { record in
            // Sweep heads train at once and interleave their lines: each names its run.
            printError(String(format: "  %@: epoch %3d/%d  loss %.4f  acc %.3f  val_loss %.4f  val_acc %.3f  val_auc %.3f  %.1f s",
                              label, record.epoch + 1, configuration.epochs, record.trainLoss, record.trainAccuracy,
                              record.validationLoss, record.validationAccuracy, record.validationAUC,
                              Date().timeIntervalSince(started)))
        }
        let seconds = Date().timeIntervalSince(started)
        let evaluations = (Evaluation(head: result.bestHead, data: train), Evaluation(head: result.bestHead, data: validation),
                           Evaluation(head: result.bestHead, data: test))
        let settings = RunSettings(request: request, cache: cache, trainLabels: rawTrain.labels)
        let metrics = RunMetrics(request: request, evaluations: evaluations,
                                 sizes: (split.train.count, split.validation.count, split.test.count),
                                 result: result, trainSeconds: seconds, cacheFile: cache.cacheURL.path, settings: settings)
        let requestJSON = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        var model = ModelFile(head: result.bestHead, standardizer: standardizer, backbone: cache.metadata.backbone,
                              weightsSHA256: cache.metadata.weightsSHA256, frames: cache.metadata.frames,
                              inputSize: cache.metadata.inputSize, cropPolicy: cache.metadata.cropPolicy,
                              samplingPolicy: cache.metadata.samplingPolicy, dataset: request.dataset,
                              threshold: metrics.valThreshold ?? 0.5, requestJSON: requestJSON)
        model.thresholdRule = metrics.valThreshold == nil ? nil : ModelFile.validationThresholdRule
        model.settingsJSON = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        model.face = FaceCropRecord(cache.metadata)
        let testROC = Metrics.rocCurve(scores: evaluations.2.probabilities, labels: test.labels)
        let scores = ScoresTable(videoIDs: data.videoIDs, labels: data.labels, split: split,
                                 evaluations: (evaluations.0, evaluations.1, evaluations.2))
        let folder = try RunFolder.write(to: claimed, replacing: earlier, model: model, metrics: metrics,
                                         history: result.history, testROC: testROC, scores: scores)
        finished = true
        return Outcome(folder: folder, metrics: metrics, reused: false)
    }
}
