import Shared

/// Which videos train, validate and test a head: Shared's `VideoSplitter` (fixed splits win, whole identity
/// groups stay on one side, stratified 70/15/15, seeded) turned into row indices. It depends only on the
/// cache's paths, labels, groups and the seed, so every backbone and frame count of a dataset is scored on
/// the same test videos.
public struct SplitPlan: Sendable, Equatable {
    public let train: [Int]
    public let validation: [Int]
    public let test: [Int]
    /// "train 140 (70 real, 70 fake, 20 groups), ..." as the splitter reports it.
    public let summary: String

    public init(paths: [String], labels: [Int], groups: [String?], fixed: [String?], seed: UInt64) throws {
        let result = try VideoSplitter().split(paths: paths, labels: labels.map { Int8($0) }, groups: groups,
                                               fixed: fixed, seed: seed)
        let rows = { (name: String) in result.assignments.indices.filter { result.assignments[$0] == name } }
        train = rows("train")
        validation = rows("val")
        test = rows("test")
        summary = result.summary.line
        for (name, part) in [("train", train), ("val", validation), ("test", test)] where part.isEmpty {
            throw PipelineError("the \(name) split is empty (\(labels.count) videos; \(summary)): add videos, or fix the split column of labels.csv")
        }
        for (name, part) in [("train", train), ("val", validation)] where Set(part.map { labels[$0] }).count < 2 {
            throw PipelineError("the \(name) split holds only one class (\(summary)): add videos of the other class, or fix the split column of labels.csv")
        }
    }

    /// With `fold`, that cross-validation fold tests and the splitter carves train and val (70:15) from the
    /// other folds, keeping groups whole as usual.
    public init(cache: CachedTrainingSet, seed: UInt64, fold: FoldChoice? = nil) throws {
        let fixed = try fold.map { try CrossValidationFolds(cache: cache, count: $0.count, seed: seed).fixedSplits(testing: $0) }
        try self.init(paths: cache.data.videoIDs, labels: cache.data.labels, groups: cache.groups,
                      fixed: fixed ?? cache.fixedSplits, seed: seed)
    }
}
