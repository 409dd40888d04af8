import Foundation
import Shared

/// `train evaluate`: a trained head scored on a dataset's cache made with the same backbone, weights, frames,
/// crop and sampling, standardized with the model's own train-split statistics. Writes
/// `<run folder>/eval/<DATA>/{metrics.json,scores.csv,roc.svg}` beside the model file.
public struct CrossDatasetEvaluation: Sendable {
    public let modelURL: URL
    public let model: ModelFile
    /// The run's request, for its dataset and seed.
    public let request: TrainingRequest

    public init(modelURL: URL) throws {
        self.modelURL = modelURL
        model = try ModelFile.read(from: modelURL)
        guard let request = try? JSONDecoder().decode(TrainingRequest.self, from: Data(model.requestJSON.utf8)) else {
            throw ModelFileError(file: modelURL.path, problem: "attribute training_request is not a training request's JSON")
        }
        self.request = request
    }

    public struct Outcome: Sendable {
        public var folder: URL
        public var metrics: EvaluationMetrics

        public var line: String {
            String(format: "evaluate: %@ head on %@ (%@, %d videos): AUC %.3f, accuracy %.3f, %.3f at the model's threshold %.3f -> %@",
                   metrics.trainDataset, metrics.dataset, metrics.split.rawValue, metrics.metrics.videos, metrics.metrics.auc,
                   metrics.metrics.accuracy, metrics.metrics.accuracyAtValThreshold ?? .nan, metrics.threshold, folder.path)
        }
    }

    /// `<folder of model.h5>/eval/<dataset>/`.
    public func folder(dataset: String) -> URL {
        modelURL.deletingLastPathComponent().appendingPathComponent("eval", isDirectory: true)
            .appendingPathComponent(dataset, isDirectory: true)
    }

    /// The results folder whose report lists this model's run, when the model sits in one
    /// (`<results>/<DATA>/<stem>/<run>/model.h5`); nil for a model file copied elsewhere.
    public var resultsDirectory: URL? {
        let run = modelURL.standardizedFileURL.deletingLastPathComponent()
        let stem = run.deletingLastPathComponent()
        let datasetRoot = stem.deletingLastPathComponent()
        guard stem.lastPathComponent == request.cacheStem, datasetRoot.lastPathComponent == request.dataset else { return nil }
        return datasetRoot.deletingLastPathComponent()
    }

    /// Scores `split` of `cache` (a dataset named `dataset`) and writes the eval folder.
    public func run(cache: CachedTrainingSet, dataset: String, split: EvaluationSplit) throws -> Outcome {
        try ModelCacheMatch.check(model: model, modelPath: modelURL.path, cache: cache.metadata, cachePath: cache.cacheURL.path)
        let rows: [Int]
        switch split {
        case .all: rows = Array(0..<cache.data.videoCount)
        case .test: rows = try SplitPlan(cache: cache, seed: UInt64(truncatingIfNeeded: request.seed)).test
        }
        let raw = cache.data.subset(rows)
        let data = model.standardizer?.apply(to: raw) ?? raw
        let evaluation = Evaluation(head: model.head, data: data)
        let metrics = EvaluationMetrics(model: modelURL.path, trainDataset: request.dataset, dataset: dataset, split: split,
                                        seed: request.seed, threshold: model.threshold, evaluation: evaluation,
                                        cacheFile: cache.cacheURL.path, cacheFingerprint: RunSettings.fingerprint(cache))
        let scores = ScoresTable(rows: rows.enumerated().map { k, row in
            ScoresTable.Row(video: cache.data.videoIDs[row], label: cache.data.labels[row], split: split.rawValue,
                            score: evaluation.probabilities[k], logit: evaluation.logits[k])
        }.sorted { $0.video < $1.video })
        let title = "\(dataset) (\(split.rawValue)) ROC, \(request.dataset) \(request.architecture)"
        let roc = RunPlots.rocChart(Metrics.rocCurve(scores: evaluation.probabilities, labels: evaluation.labels),
                                    auc: metrics.metrics.auc, chosen: metrics.confusionAtThreshold, half: metrics.confusion,
                                    title: title).svg()
        let folder = folder(dataset: dataset)
        try write(metrics: metrics, scores: scores, roc: roc, to: folder)
        return Outcome(folder: folder, metrics: metrics)
    }

    /// Fills `<folder>.partial` and renames it over any earlier evaluation, so an eval folder is always complete.
    private func write(metrics: EvaluationMetrics, scores: ScoresTable, roc: String, to folder: URL) throws {
        let fm = FileManager.default
        let partial = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + ".partial")
        do {
            try? fm.removeItem(at: partial)
            try fm.createDirectory(at: partial, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(metrics).write(to: partial.appendingPathComponent("metrics.json"))
            try scores.csv().write(to: partial.appendingPathComponent(ScoresTable.fileName), atomically: true, encoding: .utf8)
            try roc.write(to: partial.appendingPathComponent("roc.svg"), atomically: true, encoding: .utf8)
            if fm.fileExists(atPath: folder.path) { try fm.removeItem(at: folder) }
            try fm.moveItem(at: partial, to: folder)
        } catch {
            throw PipelineError("cannot write \(folder.path): \(error.localizedDescription); check that the run folder is writable")
        }
    }
}
