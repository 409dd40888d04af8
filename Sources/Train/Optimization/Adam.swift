/// Adam as Keras implements it (defaults lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7):
///   m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2)
///   p -= lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
/// Optional decoupled weight decay (Keras's `weight_decay`, AdamW-style): p -= lr * decay * p before the step.
public struct Adam: Sendable {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public private(set) var step = 0
    private var firstMoments: [[Float]] = []
    private var secondMoments: [[Float]] = []

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One update of every trainable array of `head` with `gradients` (in `Head.trainableParameters` order).
    public mutating func apply(_ gradients: [[Float]], to head: inout Head) {
        if firstMoments.isEmpty {
            firstMoments = gradients.map { [Float](repeating: 0, count: $0.count) }
            secondMoments = firstMoments
        }
        step += 1
        let t = Double(step)
        let alpha = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        let decay = learningRate * weightDecay
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        head.updateTrainable { slot, values in
            let g = gradients[slot]
            precondition(g.count == values.count, "gradient \(slot) does not match its parameter")
            firstMoments[slot].withUnsafeMutableBufferPointer { m in
            secondMoments[slot].withUnsafeMutableBufferPointer { v in
            values.withUnsafeMutableBufferPointer { p in
            g.withUnsafeBufferPointer { g in
                if decay != 0 {
                    for i in 0..<p.count { p[i] -= decay * p[i] }
                }
                for i in 0..<p.count {
                    m[i] += (g[i] - m[i]) * (1 - b1)
                    v[i] += (g[i] * g[i] - v[i]) * (1 - b2)
                    p[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
                }
            }}}}
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
