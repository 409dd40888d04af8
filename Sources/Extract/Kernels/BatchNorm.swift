/// Inference-time batch normalisation: y = (x - mean) / sqrt(variance + epsilon) * gamma + beta.
/// Never run as a layer here: it is folded into the convolution before it at load time.
public struct BatchNorm: Sendable, Equatable {
    public var gamma: [Float]
    public var beta: [Float]
    public var mean: [Float]
    public var variance: [Float]
    public var epsilon: Float

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        precondition(Set([gamma.count, beta.count, mean.count, variance.count]).count == 1,
                     "BatchNorm parameter lengths differ")
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }

    /// Folds this normalisation into a bias-free convolution whose weights have `weights.count / channels`
    /// values per output channel, output channel outermost (torch layout [out, in/groups, kh, kw]).
    /// Returns scaled weights and the bias beta - mean * scale, computed in double for the subtraction.
    public func fold(intoWeights weights: [Float]) -> (weights: [Float], bias: [Float]) {
        let channels = gamma.count
        precondition(weights.count % channels == 0, "weights do not split into \(channels) output channels")
        let perChannel = weights.count / channels
        var folded = weights
        var bias = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let scale = Double(gamma[c]) / (Double(variance[c]) + Double(epsilon)).squareRoot()
            for i in 0..<perChannel { folded[c * perChannel + i] = Float(Double(weights[c * perChannel + i]) * scale) }
            bias[c] = Float(Double(beta[c]) - Double(mean[c]) * scale)
        }
        return (folded, bias)
    }
}
