/// Minibatch index lists for one epoch: the indices shuffled with the epoch's generator, cut into batches
/// of `batchSize` with a smaller last batch (as Keras fit does).
public enum Minibatches {
    public static func epoch(count: Int, batchSize: Int, random: inout SeededRandom) -> [[Int]] {
        precondition(batchSize > 0)
        var order = Array(0..<count)
        random.shuffle(&order)
        return stride(from: 0, to: count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, count)]) }
    }
}
