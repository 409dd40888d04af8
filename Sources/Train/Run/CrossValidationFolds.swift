import Shared

/// Grouped, stratified K-fold assignment. Units are what VideoSplitter keeps whole: one per identity group
/// (a real clip and its fake twins), one per video without a group. Units are sorted into kinds by how many
/// real and fake videos they hold; each kind, sorted by key and shuffled with SplitMix64(seed), is dealt round
/// robin, the deal continuing from kind to kind. So for every kind of unit the folds' counts differ by at most
/// one, and so do their total unit counts (without groups: each class's video count per fold differs by at
/// most one). Depends only on (paths, labels, groups, count, seed).
public struct CrossValidationFolds: Sendable, Equatable {
    /// Per video: its fold, 1-based.
    public let fold: [Int]
    public let count: Int

    public init(paths: [String], labels: [Int], groups: [String?], fixed: [String?], count: Int, seed: UInt64) throws {
        _ = try FoldChoice.all(count: count)
        if let pinned = fixed.firstIndex(where: { $0 != nil }) {
            throw PipelineError("--folds \(count): '\(paths[pinned])' and \(fixed.filter { $0 != nil }.count - 1) other video(s) have a fixed split (labels.csv's split column), but cross-validation puts every video in a fold itself: train without --folds, or drop the split column")
        }
        var members: [String: [Int]] = [:]
        for index in paths.indices { members[groups[index].map { "group:" + $0 } ?? "path:" + paths[index], default: []].append(index) }
        func kind(_ unit: [Int]) -> [Int] { [unit.filter { labels[$0] != 1 }.count, unit.filter { labels[$0] == 1 }.count] }
        for (name, label) in [("real", 0), ("fake", 1)] {
            let holding = members.values.filter { kind($0)[label] > 0 }.count
            guard count <= holding else {
                let fix = holding >= 2 ? "use --folds \(holding) or fewer" : "add videos, or train without --folds"
                throw PipelineError("--folds \(count): only \(holding) group(s) hold \(name) videos, so some fold would test without any: \(fix)")
            }
        }
        var kinds: [[Int]: [String]] = [:]
        for (key, unit) in members { kinds[kind(unit), default: []].append(key) }
        var generator = SplitMix64(seed: seed)
        var fold = [Int](repeating: 0, count: paths.count)
        var dealt = 0
        for key in kinds.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var order = kinds[key]!.sorted()
            generator.shuffle(&order)
            for unit in order {
                for index in members[unit]! { fold[index] = dealt % count + 1 }
                dealt += 1
            }
        }
        self.fold = fold
        self.count = count
    }

    public init(cache: CachedTrainingSet, count: Int, seed: UInt64) throws {
        try self.init(paths: cache.data.videoIDs, labels: cache.data.labels, groups: cache.groups, fixed: cache.fixedSplits,
                      count: count, seed: seed)
    }

    /// The split labels for one fold's run: its videos fixed to "test", the rest left free for train and val.
    public func fixedSplits(testing choice: FoldChoice) -> [String?] { fold.map { $0 == choice.index ? "test" : nil } }
}
