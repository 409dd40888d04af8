/// Assigns every video to train, val or test, keeping groups whole and class balance close to the targets.
///
/// Rules, in order:
/// 1. A fixed split (labels.csv's split column, Celeb-DF's official test list) always wins. A split named by
///    any fixed assignment is closed: the dataset defines it, so free videos go only to the other splits,
///    with the fractions renormalised (Celeb-DF: test = the official list, the rest 70:15 train:val).
///    Fixed videos do not pull their group mates along.
/// 2. Free videos are cut into units: one per group, one per video without a group. Units are sorted by
///    key, shuffled with SplitMix64(seed), then placed one by one in the open split that keeps each class's
///    share closest to its target (least squared relative deviation, reals and fakes counted separately).
/// 3. An open split left empty takes the smallest unit of the split with most units, while that has two or more.
/// The result depends only on (paths, labels, groups, fixed, seed): not on input order, backbone, frames or
/// machine.
public struct VideoSplitter: Sendable {
    public static let splitNames = ["train", "val", "test"]
    /// Train, val, test: the seed notebook's 140/30/30 of 200 videos.
    public static let defaultFractions = [0.7, 0.15, 0.15]

    public let fractions: [Double]

    /// The default 0.7 / 0.15 / 0.15.
    public init() {
        fractions = Self.defaultFractions
    }

    public init(fractions: [Double]) throws {
        guard fractions.count == 3, fractions.allSatisfy({ $0 >= 0 && $0.isFinite }), fractions.reduce(0, +) > 0 else {
            throw SplitError.badFractions(fractions)
        }
        self.fractions = fractions
    }

    public struct Result: Sendable {
        /// "train", "val" or "test", one per input video.
        public var assignments: [String]
        public var summary: SplitSummary
    }

    /// Splits the listed videos by their labels, fixed splits and groups.
    public func split(_ videos: [DatasetVideo], seed: UInt64) throws -> Result {
        try split(paths: videos.map(\.relativePath), labels: videos.map(\.label.rawValue),
                  groups: videos.map(\.group), fixed: videos.map(\.split), seed: seed)
    }

    /// paths: stable video keys (break ties and name groupless videos); labels: 0 real, 1 fake;
    /// groups: nil = own group; fixed: "train"/"val"/"test" or nil = free.
    public func split(paths: [String], labels: [Int8], groups: [String?], fixed: [String?], seed: UInt64) throws -> Result {
        let count = paths.count
        guard labels.count == count, groups.count == count, fixed.count == count else {
            throw SplitError.lengthMismatch(paths: count, labels: labels.count, groups: groups.count, fixed: fixed.count)
        }
        for index in 0..<count {
            guard labels[index] == 0 || labels[index] == 1 else { throw SplitError.badLabel(path: paths[index], label: labels[index]) }
            if let name = fixed[index], !Self.splitNames.contains(name) {
                throw SplitError.badFixedSplit(path: paths[index], split: name)
            }
        }

        var assignments = [String](repeating: "", count: count)
        var closed = Set<String>()
        let unitKeys = (0..<count).map { groups[$0].map { "group:" + $0 } ?? "path:" + paths[$0] }
        var members: [String: [Int]] = [:]
        for index in 0..<count {
            if let name = fixed[index] {
                assignments[index] = name
                closed.insert(name)
            } else {
                members[unitKeys[index], default: []].append(index)
            }
        }
        var open = (0..<3).filter { !closed.contains(Self.splitNames[$0]) }
        if open.isEmpty { open = [0, 1, 2] }
        if open.allSatisfy({ fractions[$0] == 0 }) { open = (0..<3).filter { fractions[$0] > 0 } }

        var order = members.keys.sorted()
        var generator = SplitMix64(seed: seed)
        generator.shuffle(&order)
        let placed = place(units: order.map { members[$0]! }, labels: labels, open: open)
        for (unit, split) in zip(order, placed) {
            for index in members[unit]! { assignments[index] = Self.splitNames[split] }
        }
        let summary = SplitSummary(assignments: assignments, labels: labels, unitKeys: unitKeys, groups: groups)
        return Result(assignments: assignments, summary: summary)
    }

    /// The greedy: the split index (into splitNames) for each unit, in the given order.
    private func place(units: [[Int]], labels: [Int8], open: [Int]) -> [Int] {
        var totals = [0.0, 0.0]  // [real, fake] over free videos
        let unitCounts = units.map { unit in
            var counts = [0.0, 0.0]
            for index in unit { counts[Int(labels[index])] += 1 }
            return counts
        }
        for counts in unitCounts { totals[0] += counts[0]; totals[1] += counts[1] }
        let weightSum = open.map { fractions[$0] }.reduce(0, +)
        var targets = [[Double]](repeating: [0, 0], count: 3)  // [split][class]
        for split in open {
            for label in 0..<2 { targets[split][label] = fractions[split] / weightSum * totals[label] }
        }
        var filled = [[Double]](repeating: [0, 0], count: 3)
        var placed: [Int] = []
        placed.reserveCapacity(units.count)
        for counts in unitCounts {
            var best = open[0]
            var bestChange = Double.infinity
            for split in open {
                var change = 0.0
                for label in 0..<2 where totals[label] > 0 {
                    // Growth of the squared deviation from target, relative to the class size.
                    let before = (filled[split][label] - targets[split][label]) / totals[label]
                    let after = (filled[split][label] + counts[label] - targets[split][label]) / totals[label]
                    change += after * after - before * before
                }
                if change < bestChange { bestChange = change; best = split }
            }
            placed.append(best)
            filled[best][0] += counts[0]
            filled[best][1] += counts[1]
        }
        fillEmptySplits(&placed, sizes: unitCounts.map { $0[0] + $0[1] }, open: open)
        return placed
    }

    /// Moves the smallest unit of the split with most units into any open split with a positive fraction
    /// that got none, so val and test exist whenever there are enough units; stops when no split can spare one.
    private func fillEmptySplits(_ placed: inout [Int], sizes: [Double], open: [Int]) {
        let wanted = open.filter { fractions[$0] > 0 }
        for empty in wanted where !placed.contains(empty) {
            let unitsPerSplit = wanted.map { split in placed.filter { $0 == split }.count }
            guard let donorPosition = unitsPerSplit.indices.max(by: { unitsPerSplit[$0] < unitsPerSplit[$1] }),
                  unitsPerSplit[donorPosition] > 1 else { return }
            let donor = wanted[donorPosition]
            let candidates = placed.indices.filter { placed[$0] == donor }
            let smallest = candidates.min { sizes[$0] < sizes[$1] }!
            placed[smallest] = empty
        }
    }
}
