/// What a split holds, per split: videos, reals, fakes and groups; printable as one line.
public struct SplitSummary: Sendable, Equatable, CustomStringConvertible {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var videos: Int
        public var real: Int
        public var fake: Int
        /// Distinct groups; a video without a group counts as its own.
        public var groups: Int
    }

    public var rows: [Row]
    /// Groups found in more than one split: only fixed splits (e.g. Celeb-DF's official test list) can cause it.
    public var groupsInSeveralSplits: Int

    /// e.g. "train 140 (70 real, 70 fake, 35 groups) | val 30 (15 real, 15 fake, 8 groups) | test 30 (...)"
    public var line: String {
        var text = rows.map { "\($0.name) \($0.videos) (\($0.real) real, \($0.fake) fake, \($0.groups) groups)" }
            .joined(separator: " | ")
        if groupsInSeveralSplits > 0 {
            text += " | \(groupsInSeveralSplits) group(s) span splits through fixed assignments"
        }
        return text
    }

    public var description: String { line }

    public func row(_ name: String) -> Row? {
        rows.first { $0.name == name }
    }

    init(assignments: [String], labels: [Int8], unitKeys: [String], groups: [String?]) {
        var splitsOfGroup: [String: Set<String>] = [:]
        rows = VideoSplitter.splitNames.map { name in
            var row = Row(name: name, videos: 0, real: 0, fake: 0, groups: 0)
            var seen = Set<String>()
            for index in assignments.indices where assignments[index] == name {
                row.videos += 1
                if labels[index] == VideoLabel.fake.rawValue { row.fake += 1 } else { row.real += 1 }
                seen.insert(unitKeys[index])
                if let group = groups[index] { splitsOfGroup[group, default: []].insert(name) }
            }
            row.groups = seen.count
            return row
        }
        groupsInSeveralSplits = splitsOfGroup.values.filter { $0.count > 1 }.count
    }
}
