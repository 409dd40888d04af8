import Testing
import Shared
@testable import Train

@Suite struct DataTests {
    @Test func stratifiedSplitOf200Videos() {
        let labels = (0..<200).map { $0 % 2 }
        let split = DatasetSplit(labels: labels, seed: 42)
        #expect(split.train.count == 140 && split.validation.count == 30 && split.test.count == 30)
        #expect(split.train.filter { labels[$0] == 1 }.count == 70)
        #expect(split.validation.filter { labels[$0] == 1 }.count == 15)
        #expect(split.test.filter { labels[$0] == 1 }.count == 15)
        #expect(Set(split.train + split.validation + split.test) == Set(0..<200))
        #expect(DatasetSplit(labels: labels, seed: 42) == split)
        #expect(DatasetSplit(labels: labels, seed: 43) != split)
    }

    @Test func unbalancedSplitKeepsRatios() {
        let labels = [Int](repeating: 1, count: 160) + [Int](repeating: 0, count: 40)
        let split = DatasetSplit(labels: labels, seed: 7)
        #expect(split.train.filter { labels[$0] == 0 }.count == 28)
        #expect(split.validation.filter { labels[$0] == 0 }.count == 6)
        #expect(split.test.filter { labels[$0] == 0 }.count == 6)
        #expect(split.train.count + split.validation.count + split.test.count == 200)
    }

    @Test func standardizerUsesValidTrainingFramesOnly() throws {
        // One feature; video 0 frames 1, 3 (valid) and 50 (padding); video 1 frames 5, 7, 9 - mean 5, std 2 * sqrt(2).
        let data = try TrainingData(sequences: Tensor(shape: [2, 3, 1], data: [1, 3, 50, 5, 7, 9]),
                                    mask: Tensor(shape: [2, 3], data: [1, 1, 0, 1, 1, 1]), labels: [0, 1])
        let s = Standardizer(fitting: data)
        #expect(abs(s.mean[0] - 5) < 1e-6)
        #expect(abs(s.std[0] - Float(8).squareRoot()) < 1e-5)
        let out = s.apply(to: data).sequences.data
        #expect(abs(out[0] - (-4 / Float(8).squareRoot())) < 1e-5)
        #expect(out[2] == 0)  // padding stays zero
    }

    @Test func minibatchesCoverEveryVideoOnceWithSeededOrder() {
        var a = SeededRandom(seed: 3), b = SeededRandom(seed: 3)
        let batches = Minibatches.epoch(count: 21, batchSize: 8, random: &a)
        #expect(batches.map(\.count) == [8, 8, 5])
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<21))
        #expect(Minibatches.epoch(count: 21, batchSize: 8, random: &b) == batches)
        #expect(batches.flatMap { $0 } != Array(0..<21))
    }

    @Test func balancedClassWeights() {
        let w = ClassWeights.balanced(labels: [1, 1, 1, 0])
        #expect(w.fake == Float(4) / 6 && w.real == 2)
        #expect(ClassWeights.balanced(labels: [1, 0]) == .uniform)
    }

    @Test func inconsistentDataIsDiagnosed() {
        #expect(throws: DataError.self) {
            try TrainingData(sequences: Tensor(zeros: [2, 3, 1]), mask: Tensor(zeros: [2, 2]), labels: [0, 1])
        }
        #expect(throws: DataError.self) { try TrainingData(sequences: Tensor(zeros: [2, 3, 1]), labels: [0, 2]) }
    }

    @Test func generatorIsReproducibleAndUniform() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 42, stream: 1)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        var mean = 0.0
        for _ in 0..<10_000 { mean += a.nextUniform() }
        #expect(abs(mean / 10_000 - 0.5) < 0.02)
    }
}
