import Shared
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Attention pooling over time (additive scoring, one learned context vector), for a sequence x_t of f features:
///   u_t = tanh(x_t W + b)                       W [f, a], b [a]
///   s_t = u_t . v                               v [a], the context vector
///   alpha_t = exp(s_t) / sum over valid k of exp(s_k)   for valid t; 0 for padded t
///   y = sum over t of alpha_t x_t               [f]
/// Padded frames get no weight, so they neither change the output nor receive gradient; a sequence with no
/// valid frame gives zeros. Input [batch, steps, f] -> [batch, f].
public struct AttentionPooling: Sendable {
    public let features: Int
    public let units: Int
    public var kernel: [Float]   // W [features, units]
    public var bias: [Float]     // b [units]
    public var context: [Float]  // v [units]

    /// Glorot-uniform W and v (v as a [units, 1] kernel), zero b: Keras's Dense defaults.
    public init(features: Int, units: Int, random: inout SeededRandom) {
        self.features = features
        self.units = units
        kernel = Initializers.glorotUniform(fanIn: features, fanOut: units, random: &random)
        bias = [Float](repeating: 0, count: units)
        context = Initializers.glorotUniform(fanIn: units, fanOut: 1, random: &random)
    }

    public struct Cache: Sendable {
        let input: Activations
        let hidden: [Float]    // u [batch*steps, units]
        let weights: [Float]   // alpha [batch*steps]
    }

    public func forward(_ input: Activations) -> (Activations, Cache) {
        precondition(input.features == features, "attention pooling expects \(features) features, got \(input.features)")
        let rows = input.rows, steps = input.steps, f = features, a = units
        var hidden = Matrix.product(input.values, kernel, m: rows, n: a, k: f)
        var scores = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var s: Float = 0
            for j in 0..<a {
                let value = fastTanh(hidden[r * a + j] + bias[j])
                hidden[r * a + j] = value
                s += value * context[j]
            }
            scores[r] = s
        }
        var weights = [Float](repeating: 0, count: rows)
        var output = [Float](repeating: 0, count: input.batch * f)
        for b in 0..<input.batch {
            let valid = (0..<steps).filter { input.mask[b * steps + $0] > 0 }
            guard let top = valid.map({ scores[b * steps + $0] }).max() else { continue }
            // Shifted by the largest score so no exponential overflows.
            var total: Float = 0
            for t in valid { weights[b * steps + t] = expf(scores[b * steps + t] - top); total += weights[b * steps + t] }
            for t in valid {
                weights[b * steps + t] /= total
                let w = weights[b * steps + t], row = (b * steps + t) * f
                for k in 0..<f { output[b * f + k] += w * input.values[row + k] }
            }
        }
        return (Activations(flat: output, batch: input.batch, features: f), Cache(input: input, hidden: hidden, weights: weights))
    }

    /// Gradients in parameter order [kernel, bias, context], plus the input gradient when asked.
    public func backward(_ cache: Cache, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        let input = cache.input, rows = input.rows, steps = input.steps, f = features, a = units
        // d s_t = alpha_t (d alpha_t - sum_k alpha_k d alpha_k), with d alpha_t = dy . x_t.
        var scoreGradient = [Float](repeating: 0, count: rows)
        for b in 0..<input.batch {
            var mean: Float = 0
            for t in 0..<steps where cache.weights[b * steps + t] > 0 {
                let r = b * steps + t
                var d: Float = 0
                for k in 0..<f { d += outputGradient[b * f + k] * input.values[r * f + k] }
                scoreGradient[r] = d
                mean += cache.weights[r] * d
            }
            for t in 0..<steps { scoreGradient[b * steps + t] = cache.weights[b * steps + t] * (scoreGradient[b * steps + t] - mean) }
        }
        var contextGradient = [Float](repeating: 0, count: a)
        var hiddenGradient = [Float](repeating: 0, count: rows * a)   // d(x W + b)
        for r in 0..<rows where scoreGradient[r] != 0 {
            for j in 0..<a {
                let u = cache.hidden[r * a + j]
                contextGradient[j] += scoreGradient[r] * u
                hiddenGradient[r * a + j] = scoreGradient[r] * context[j] * (1 - u * u)
            }
        }
        let kernelGradient = Matrix.product(input.values, hiddenGradient, m: f, n: a, k: rows, transposeA: true)
        let biasGradient = Matrix.columnSums(hiddenGradient, rows: rows, cols: a)
        var inputGradient: [Float]? = nil
        if needsInputGradient {
            var dx = Matrix.product(hiddenGradient, kernel, m: rows, n: f, k: a, transposeB: true)
            for r in 0..<rows where cache.weights[r] > 0 {
                let b = r / steps
                for k in 0..<f { dx[r * f + k] += cache.weights[r] * outputGradient[b * f + k] }
            }
            inputGradient = dx
        }
        return (inputGradient, [kernelGradient, biasGradient, contextGradient])
    }
}

extension AttentionPooling: DeterministicLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        guard case let .attentionPooling(units) = spec else { preconditionFailure("AttentionPooling built from \(spec)") }
        self.init(features: inputFeatures, units: units, random: &random)
    }

    public static let kindName = "attention_pooling"

    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] {
        guard case let .attentionPooling(units) = spec else { preconditionFailure("AttentionPooling sized from \(spec)") }
        return [("kernel", [inputFeatures, units]), ("bias", [units]), ("context", [units])]
    }

    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int { inputFeatures }
    public var spec: LayerSpec { .attentionPooling(units: units) }
    public var storedParameters: [[Float]] { [kernel, bias, context] }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        switch index {
        case 0: body(&kernel)
        case 1: body(&bias)
        case 2: body(&context)
        default: preconditionFailure("attention pooling has 3 parameters, not \(index + 1)")
        }
    }

}
