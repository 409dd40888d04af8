/// Batch normalization per feature (Keras defaults: momentum 0.99, epsilon 1e-3, gamma 1, beta 0).
/// In training the statistics are taken over the valid rows only (batch * unmasked time steps between GRUs,
/// batch after them) and the running statistics move toward them; inference uses the running statistics.
public struct BatchNorm: Sendable {
    public let features: Int
    public let momentum: Float
    public let epsilon: Float
    public var gamma: [Float]         // [features]
    public var beta: [Float]          // [features]
    public var movingMean: [Float]    // [features]
    public var movingVariance: [Float]  // [features]

    public init(features: Int, momentum: Float = 0.99, epsilon: Float = 1e-3) {
        self.features = features
        self.momentum = momentum
        self.epsilon = epsilon
        gamma = [Float](repeating: 1, count: features)
        beta = [Float](repeating: 0, count: features)
        movingMean = [Float](repeating: 0, count: features)
        movingVariance = [Float](repeating: 1, count: features)
    }

    public struct Cache: Sendable {
        let input: Activations
        let mean: [Float]             // [features]; batch statistics in training, running ones in inference
        let inverseStd: [Float]       // [features]
        let batchStatistics: Bool
        let validRows: Int
    }

    /// input [rows, features] -> same. In training also returns the updated running statistics.
    public func forward(_ input: Activations, mode: Mode) -> (Activations, Cache, updated: BatchNorm) {
        precondition(input.features == features, "BatchNorm expects \(features) features, got \(input.features)")
        let rows = input.rows, f = features
        var mean = [Float](repeating: 0, count: f), variance = [Float](repeating: 0, count: f)
        var updated = self
        var validRows = 0
        let training = mode == .training
        if training {
            // Double sums: the statistics of many rows should not depend on float summation error.
            var sum = [Double](repeating: 0, count: f), squares = [Double](repeating: 0, count: f)
            for r in 0..<rows where input.mask[r] > 0 {
                validRows += 1
                for c in 0..<f { sum[c] += Double(input.values[r * f + c]) }
            }
            let n = Double(max(validRows, 1))
            for c in 0..<f { mean[c] = Float(sum[c] / n) }
            for r in 0..<rows where input.mask[r] > 0 {
                for c in 0..<f {
                    let d = Double(input.values[r * f + c] - mean[c])
                    squares[c] += d * d
                }
            }
            for c in 0..<f {
                variance[c] = Float(squares[c] / n)  // biased, as Keras normalizes with it
                updated.movingMean[c] = momentum * movingMean[c] + (1 - momentum) * mean[c]
                updated.movingVariance[c] = momentum * movingVariance[c] + (1 - momentum) * variance[c]
            }
        } else {
            mean = movingMean
            variance = movingVariance
        }
        var inverseStd = [Float](repeating: 0, count: f)
        for c in 0..<f { inverseStd[c] = 1 / (variance[c] + epsilon).squareRoot() }
        var out = input
        for r in 0..<rows {
            for c in 0..<f {
                out.values[r * f + c] = gamma[c] * (input.values[r * f + c] - mean[c]) * inverseStd[c] + beta[c]
            }
        }
        return (out, Cache(input: input, mean: mean, inverseStd: inverseStd, batchStatistics: training,
                           validRows: validRows), updated)
    }

    /// Gradients in parameter order [gamma, beta]. Masked rows are normalized too but do not enter the
    /// statistics, so they receive only the direct path gamma * inverseStd.
    public func backward(_ cache: Cache, outputGradient: [Float]) -> (input: [Float], parameters: [[Float]]) {
        let input = cache.input, rows = input.rows, f = features
        var dGamma = [Float](repeating: 0, count: f), dBeta = [Float](repeating: 0, count: f)
        var dx = [Float](repeating: 0, count: rows * f)
        // Sums over all rows of dxhat and dxhat * (x - mean): every output depends on the batch statistics.
        var sumD = [Double](repeating: 0, count: f), sumDX = [Double](repeating: 0, count: f)
        for r in 0..<rows {
            for c in 0..<f {
                let i = r * f + c
                let centered = input.values[i] - cache.mean[c]
                dGamma[c] += outputGradient[i] * centered * cache.inverseStd[c]
                dBeta[c] += outputGradient[i]
                let dxhat = outputGradient[i] * gamma[c]
                sumD[c] += Double(dxhat)
                sumDX[c] += Double(dxhat * centered)
                dx[i] = dxhat * cache.inverseStd[c]
            }
        }
        if cache.batchStatistics && cache.validRows > 0 {
            let n = Float(cache.validRows)
            for r in 0..<rows where input.mask[r] > 0 {
                for c in 0..<f {
                    let i = r * f + c
                    let s = cache.inverseStd[c]
                    let centered = input.values[i] - cache.mean[c]
                    // d mean = -s * sumD; d var = -0.5 s^3 sumDX; dx += dvar * 2 (x - mean) / n + dmean / n
                    dx[i] += (-s * s * s * Float(sumDX[c]) * centered - s * Float(sumD[c])) / n
                }
            }
        }
        return (dx, [dGamma, dBeta])
    }
}

extension BatchNorm: HeadLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        precondition(spec == .batchNorm, "BatchNorm built from \(spec)")
        self.init(features: inputFeatures)
    }

    public static let kindName = "batch_normalization"

    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] {
        ["gamma", "beta", "moving_mean", "moving_variance"].map { ($0, [inputFeatures]) }
    }

    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int { inputFeatures }
    public var spec: LayerSpec { .batchNorm }
    public var storedParameters: [[Float]] { [gamma, beta, movingMean, movingVariance] }
    public var trainableCount: Int { 2 }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        switch index {
        case 0: body(&gamma)
        case 1: body(&beta)
        case 2: body(&movingMean)
        case 3: body(&movingVariance)
        default: preconditionFailure("BatchNorm has 4 parameters, not \(index + 1)")
        }
    }

    /// Training mode also moves the running statistics toward the batch's.
    public mutating func apply(_ input: Activations, mode: Mode, random: inout SeededRandom) -> (Activations, any Sendable) {
        let (output, cache, updated) = forward(input, mode: mode)
        if mode == .training { self = updated }
        return (output, cache)
    }

    public func backpropagate(_ cache: any Sendable, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        let (input, parameters) = backward(self.cache(cache, as: Cache.self), outputGradient: outputGradient)
        return (input, parameters)
    }
}
