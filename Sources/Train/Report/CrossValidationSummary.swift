import Foundation
import Shared

/// cv.json of one K-fold cross-validation (one configuration, one seed): each fold's run and scores, and
/// mean ± sample std over the folds. Written to `results/<DATA>/<stem>/<ARCH>_cv<K>[_runN]/cv.json`, named
/// after fold 1's run folder, so a repeat with the same runs rewrites the same file.
public struct CrossValidationSummary: Codable, Sendable, Equatable {
    public struct Fold: Codable, Sendable, Equatable {
        public var fold: Int
        /// The run folder, relative to results/<DATA>/.
        public var run: String
        public var testVideos: Int
        public var valAUC: Double
        public var testAUC: Double
        public var testAccuracy: Double

        enum CodingKeys: String, CodingKey {
            case fold, run, testVideos = "test_videos", valAUC = "val_auc", testAUC = "test_auc", testAccuracy = "test_accuracy"
        }
    }

    public var folds: Int
    public var seed: Int
    public var dataset: String
    public var architecture: String
    public var perFold: [Fold]
    public var valAUC: MeanSpread
    public var testAUC: MeanSpread
    public var testAccuracy: MeanSpread

    enum CodingKeys: String, CodingKey {
        case folds, seed, dataset, architecture = "arch", perFold = "per_fold", valAUC = "val_auc", testAUC = "test_auc",
             testAccuracy = "test_accuracy"
    }

    /// `outcomes`: every fold of one configuration and seed, in any order.
    public init(outcomes: [TrainingRun.Outcome]) throws {
        let folds = outcomes.compactMap(\.metrics.request.fold)
        guard let first = outcomes.first, let count = folds.first?.count, folds.count == outcomes.count,
              Set(folds.map(\.index)) == Set(1...count), outcomes.count == count else {
            throw PipelineError("a cross-validation summary needs one run per fold (got folds \(folds.map(\.index).sorted()))")
        }
        let sorted = outcomes.sorted { $0.metrics.request.fold!.index < $1.metrics.request.fold!.index }
        self.folds = count
        seed = first.metrics.request.seed
        dataset = first.metrics.request.dataset
        architecture = first.metrics.request.architecture
        perFold = sorted.map { outcome in
            let m = outcome.metrics
            return Fold(fold: m.request.fold!.index, run: Self.relative(outcome.folder), testVideos: m.test.videos,
                        valAUC: m.validation.auc, testAUC: m.test.auc, testAccuracy: m.test.accuracy)
        }
        valAUC = MeanSpread(perFold.map(\.valAUC))!
        testAUC = MeanSpread(perFold.map(\.testAUC))!
        testAccuracy = MeanSpread(perFold.map(\.testAccuracy))!
    }

    /// `<stem>/<folder>`: a run folder as the leaderboard names it.
    public static func relative(_ folder: URL) -> String {
        folder.deletingLastPathComponent().lastPathComponent + "/" + folder.lastPathComponent
    }

    /// Fold 1's run folder with `_fold1of<K>` turned into `_cv<K>`.
    public func folder(resultsDirectory: URL) -> URL {
        let first = perFold[0].run
        let name = first.replacingOccurrences(of: FoldChoice(index: 1, count: folds).folderSuffix, with: "_cv\(folds)")
        return RunFolder.datasetResults(resultsDirectory, dataset: dataset).appendingPathComponent(name, isDirectory: true)
    }

    /// Writes cv.json; returns its path.
    @discardableResult
    public func write(resultsDirectory: URL) throws -> URL {
        let folder = folder(resultsDirectory: resultsDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let url = folder.appendingPathComponent("cv.json")
        try encoder.encode(self).write(to: url)
        return url
    }

    public var line: String {
        "train: \(folds)-fold cross-validation of \(architecture) (seed \(seed)): test AUC \(testAUC.text), test accuracy \(testAccuracy.text), val AUC \(valAUC.text) (mean ± std over folds)"
    }
}
