/// Inverted dropout: in training each value is kept with probability 1 - rate and scaled by 1 / (1 - rate);
/// at inference it is the identity, so no rescaling is needed there.
public struct Dropout: Sendable {
    public let rate: Float

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.rate = rate
    }

    public struct Cache: Sendable {
        let scale: [Float]?  // per value: 0 or 1 / (1 - rate); nil when the layer was the identity
    }

    /// Draws the keep mask from `random`: one uniform per value, in row-major order.
    public func forward(_ input: Activations, mode: Mode, random: inout SeededRandom) -> (Activations, Cache) {
        guard mode == .training, rate > 0 else { return (input, Cache(scale: nil)) }
        let keep = 1 / (1 - rate)
        var scale = [Float](repeating: 0, count: input.values.count)
        for i in scale.indices where random.nextUniform() >= Double(rate) { scale[i] = keep }
        return forward(input, scale: scale)
    }

    /// With a given scale mask (0 or 1 / (1 - rate) per value): what tests use to fix the randomness.
    public func forward(_ input: Activations, scale: [Float]) -> (Activations, Cache) {
        precondition(scale.count == input.values.count, "dropout scale must match the input")
        var out = input
        for i in out.values.indices { out.values[i] *= scale[i] }
        return (out, Cache(scale: scale))
    }

    /// input [rows, features] -> same
    public func backward(_ cache: Cache, outputGradient: [Float]) -> [Float] {
        guard let scale = cache.scale else { return outputGradient }
        var dx = outputGradient
        for i in dx.indices { dx[i] *= scale[i] }
        return dx
    }
}

extension Dropout: HeadLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        guard case let .dropout(rate) = spec else { preconditionFailure("Dropout built from \(spec)") }
        self.init(rate: rate)
    }

    public static let kindName = "dropout"
    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] { [] }
    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int { inputFeatures }
    public var spec: LayerSpec { .dropout(rate: rate) }
    public var storedParameters: [[Float]] { [] }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        preconditionFailure("Dropout has no parameters")
    }

    public mutating func apply(_ input: Activations, mode: Mode, random: inout SeededRandom) -> (Activations, any Sendable) {
        let (output, cache) = forward(input, mode: mode, random: &random)
        return (output, cache)
    }

    public func backpropagate(_ cache: any Sendable, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        (backward(self.cache(cache, as: Cache.self), outputGradient: outputGradient), [])
    }
}
