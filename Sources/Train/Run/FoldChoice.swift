import Shared

/// Which cross-validation fold a run tests on: fold `index` (1-based) of `count`. The folds come from
/// `CrossValidationFolds` and the run's seed, so the pair and the seed name the test videos exactly.
public struct FoldChoice: Codable, Sendable, Equatable, Hashable {
    public var index: Int
    public var count: Int

    enum CodingKeys: String, CodingKey { case index, count = "of" }

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `_fold2of5`: appended to the run folder's name, so the folds of one configuration never collide.
    public var folderSuffix: String { "_fold\(index)of\(count)" }

    /// Every fold of a K-fold cross-validation; K below 2 is refused.
    public static func all(count: Int) throws -> [FoldChoice] {
        guard count >= 2 else {
            throw PipelineError("--folds \(count): cross-validation needs at least 2 folds (e.g. --folds 5)")
        }
        return (1...count).map { FoldChoice(index: $0, count: count) }
    }
}
