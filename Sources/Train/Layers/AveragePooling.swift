import Shared

/// Masked mean over time, as Keras `GlobalAveragePooling1D` computes it under a mask:
///   y[b] = sum over valid t of x[b, t] / (number of valid t)
/// A sequence with no valid frame gives zeros. Input [batch, steps, f] -> [batch, f]. No weights.
public struct AveragePooling: Sendable {
    public let features: Int

    public init(features: Int) { self.features = features }

    public struct Cache: Sendable {
        let mask: [Float]
        let steps: Int
    }

    public func forward(_ input: Activations) -> (Activations, Cache) {
        precondition(input.features == features, "average pooling expects \(features) features, got \(input.features)")
        let steps = input.steps, f = features
        var output = [Float](repeating: 0, count: input.batch * f)
        for b in 0..<input.batch {
            let weight = Self.weight(input.mask, batch: b, steps: steps)
            for t in 0..<steps where input.mask[b * steps + t] > 0 {
                for k in 0..<f { output[b * f + k] += input.values[(b * steps + t) * f + k] }
            }
            for k in 0..<f { output[b * f + k] *= weight }
        }
        return (Activations(flat: output, batch: input.batch, features: f), Cache(mask: input.mask, steps: steps))
    }

    /// Each valid frame receives 1 / (valid frames) of its sequence's output gradient; padding receives none.
    public func backward(_ cache: Cache, outputGradient: [Float]) -> [Float] {
        let steps = cache.steps, f = features, batch = outputGradient.count / f
        var dx = [Float](repeating: 0, count: batch * steps * f)
        for b in 0..<batch {
            let weight = Self.weight(cache.mask, batch: b, steps: steps)
            for t in 0..<steps where cache.mask[b * steps + t] > 0 {
                for k in 0..<f { dx[(b * steps + t) * f + k] = outputGradient[b * f + k] * weight }
            }
        }
        return dx
    }

    /// 1 / (valid frames of sequence b), 0 when it has none.
    static func weight(_ mask: [Float], batch b: Int, steps: Int) -> Float {
        var valid = 0
        for t in 0..<steps where mask[b * steps + t] > 0 { valid += 1 }
        return valid > 0 ? 1 / Float(valid) : 0
    }
}

extension AveragePooling: HeadLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        precondition(spec == .averagePooling, "AveragePooling built from \(spec)")
        self.init(features: inputFeatures)
    }

    public static let kindName = "global_average_pooling1d"
    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] { [] }
    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int { inputFeatures }
    public var spec: LayerSpec { .averagePooling }
    public var storedParameters: [[Float]] { [] }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        preconditionFailure("average pooling has no parameters")
    }

    public mutating func apply(_ input: Activations, mode: Mode, random: inout SeededRandom) -> (Activations, any Sendable) {
        let (output, cache) = forward(input)
        return (output, cache)
    }

    public func backpropagate(_ cache: any Sendable, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        (backward(self.cache(cache, as: Cache.self), outputGradient: outputGradient), [])
    }
}
