/// A seeded stratified split of videos into train / validation / test (70 / 15 / 15 by default): each
/// class is shuffled on its own and cut at the rounded fractions, so every part keeps the class balance.
public struct DatasetSplit: Sendable, Equatable {
    public let train: [Int]
    public let validation: [Int]
    public let test: [Int]

    public init(labels: [Int], seed: UInt64, trainFraction: Double = 0.7, validationFraction: Double = 0.15) {
        var random = SeededRandom(seed: seed, stream: RandomStream.split)
        var train: [Int] = [], validation: [Int] = [], test: [Int] = []
        for label in [0, 1] {
            var members = labels.indices.filter { labels[$0] == label }
            random.shuffle(&members)
            let n = Double(members.count)
            let trainCount = Int((n * trainFraction).rounded())
            let validationCount = min(Int((n * validationFraction).rounded()), members.count - trainCount)
            train += members[0..<trainCount]
            validation += members[trainCount..<(trainCount + validationCount)]
            test += members[(trainCount + validationCount)...]
        }
        // Sorted so the parts do not list all reals before all fakes; batches are shuffled anyway.
        self.train = train.sorted()
        self.validation = validation.sorted()
        self.test = test.sorted()
    }
}
