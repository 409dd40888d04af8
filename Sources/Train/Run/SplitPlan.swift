import Shared

/// Which videos train, validate and test a head. Splits fixed by the dataset win; the other videos get a
/// seeded stratified 70/15/15 split that depends only on the dataset's labels and the seed, so every
/// backbone and frame count of one dataset is scored on the same test videos.
public struct SplitPlan: Sendable, Equatable {
    public let train: [Int]
    public let validation: [Int]
    public let test: [Int]

    public init(labels: [Int], fixed: [String?], seed: UInt64) throws {
        let free = labels.indices.filter { fixed[$0] == nil }
        let drawn = DatasetSplit(labels: free.map { labels[$0] }, seed: seed)
        train = (labels.indices.filter { fixed[$0] == "train" } + drawn.train.map { free[$0] }).sorted()
        validation = (labels.indices.filter { fixed[$0] == "val" } + drawn.validation.map { free[$0] }).sorted()
        test = (labels.indices.filter { fixed[$0] == "test" } + drawn.test.map { free[$0] }).sorted()
        for (name, part) in [("train", train), ("val", validation), ("test", test)] where part.isEmpty {
            throw PipelineError("the \(name) split is empty (\(labels.count) videos): add videos, or fix the split column of labels.csv")
        }
        for (name, part) in [("train", train), ("val", validation)] where Set(part.map { labels[$0] }).count < 2 {
            throw PipelineError("the \(name) split holds only one class: add videos of the other class, or fix the split column of labels.csv")
        }
    }

    /// "train 140 (70 real, 70 fake), val 30 (...), test 30 (...)".
    public func summary(labels: [Int]) -> String {
        func part(_ name: String, _ members: [Int]) -> String {
            let fakes = members.filter { labels[$0] == 1 }.count
            return "\(name) \(members.count) (\(members.count - fakes) real, \(fakes) fake)"
        }
        return [part("train", train), part("val", validation), part("test", test)].joined(separator: ", ")
    }
}
