#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Binary cross-entropy on logits (the final Dense(1) before its sigmoid), in the overflow-free form
/// max(z, 0) - z y + log(1 + exp(-|z|)), weighted per sample and averaged over the batch size
/// (Keras's sum-over-batch-size reduction, so class weights scale the loss rather than renormalize it).
public enum SigmoidCrossEntropy {
    /// logits [batch], labels [batch] in {0, 1}, weights [batch] (all ones without class weights).
    public static func forward(logits: [Float], labels: [Float], weights: [Float]) -> Double {
        precondition(logits.count == labels.count && labels.count == weights.count)
        guard !logits.isEmpty else { return 0 }
        var total = 0.0
        for i in logits.indices {
            let z = Double(logits[i]), y = Double(labels[i])
            total += Double(weights[i]) * (max(z, 0) - z * y + log1p(exp(-abs(z))))
        }
        return total / Double(logits.count)
    }

    /// d loss / d logits [batch] = w (sigmoid(z) - y) / batch
    public static func backward(logits: [Float], labels: [Float], weights: [Float]) -> [Float] {
        let n = Float(logits.count)
        var grad = [Float](repeating: 0, count: logits.count)
        for i in logits.indices { grad[i] = weights[i] * (sigmoid(logits[i]) - labels[i]) / n }
        return grad
    }
}
