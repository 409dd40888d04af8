import Shared

/// Keras `Bidirectional(layer, merge_mode="concat")`: one recurrent layer reads each sequence forward, a second
/// one (its own weights) reads it backward, and their outputs are concatenated, forward first.
/// The backward layer reads the whole padded sequence reversed, so masked steps are skipped in both directions
/// and it starts from the last valid frame; with sequences its outputs are reversed back, so step t holds
/// [forward state after frames 0...t | backward state after frames t...end], as Keras aligns them.
public struct Bidirectional<Inner: RecurrentLayer>: Sendable {
    public var forwardLayer: Inner
    public var backwardLayer: Inner

    public init(forwardLayer: Inner, backwardLayer: Inner) {
        precondition(forwardLayer.units == backwardLayer.units && forwardLayer.returnSequences == backwardLayer.returnSequences,
                     "both directions need the same shape")
        self.forwardLayer = forwardLayer
        self.backwardLayer = backwardLayer
    }

    public var units: Int { forwardLayer.units }
    public var returnSequences: Bool { forwardLayer.returnSequences }

    public struct Cache: Sendable {
        let forward: Inner.Cache
        let backward: Inner.Cache
        let input: Activations
    }

    /// input [batch, steps, f] -> [batch, steps, 2u] (sequences) or [batch, 2u].
    public func forward(_ input: Activations) -> (Activations, Cache) {
        let (ahead, forwardCache) = forwardLayer.forward(input)
        let (behind, backwardCache) = backwardLayer.forward(Self.reversed(input))
        let back = returnSequences ? Self.reversed(behind) : behind
        let u = units, rows = ahead.rows
        var merged = [Float](repeating: 0, count: rows * 2 * u)
        for r in 0..<rows {
            for j in 0..<u {
                merged[r * 2 * u + j] = ahead.values[r * u + j]
                merged[r * 2 * u + u + j] = back.values[r * u + j]
            }
        }
        let output = Activations(values: merged, mask: ahead.mask, batch: ahead.batch, steps: ahead.steps, features: 2 * u)
        return (output, Cache(forward: forwardCache, backward: backwardCache, input: input))
    }

    /// Gradients [forward layer's..., backward layer's...], plus the input gradient when asked.
    public func backward(_ cache: Cache, outputGradient: [Float], needsInputGradient: Bool)
        -> (input: [Float]?, parameters: [[Float]]) {
        let u = units, rows = outputGradient.count / (2 * u)
        var ahead = [Float](repeating: 0, count: rows * u), behind = ahead
        for r in 0..<rows {
            for j in 0..<u {
                ahead[r * u + j] = outputGradient[r * 2 * u + j]
                behind[r * u + j] = outputGradient[r * 2 * u + u + j]
            }
        }
        let input = cache.input
        if returnSequences {
            behind = Self.reversed(Activations(values: behind, mask: input.mask, batch: input.batch, steps: input.steps,
                                               features: u)).values
        }
        let f = forwardLayer.backward(cache.forward, outputGradient: ahead, needsInputGradient: needsInputGradient)
        let b = backwardLayer.backward(cache.backward, outputGradient: behind, needsInputGradient: needsInputGradient)
        var inputGradient: [Float]? = nil
        if var sum = f.input, let reversedGradient = b.input {
            let back = Self.reversed(Activations(values: reversedGradient, mask: input.mask, batch: input.batch,
                                                 steps: input.steps, features: input.features)).values
            for i in sum.indices { sum[i] += back[i] }
            inputGradient = sum
        }
        return (inputGradient, f.parameters + b.parameters)
    }

    /// Each sequence's steps in reverse order, padding included (values and mask).
    static func reversed(_ x: Activations) -> Activations {
        let steps = x.steps, f = x.features
        var values = x.values, mask = x.mask
        for b in 0..<x.batch {
            for t in 0..<steps {
                let from = b * steps + (steps - 1 - t), to = b * steps + t
                mask[to] = x.mask[from]
                for k in 0..<f { values[to * f + k] = x.values[from * f + k] }
            }
        }
        return Activations(values: values, mask: mask, batch: x.batch, steps: steps, features: f)
    }
}

extension Bidirectional: DeterministicLayer {
    public init(spec: LayerSpec, inputFeatures: Int, random: inout SeededRandom) {
        guard case let .bidirectional(_, units, returnSequences) = spec else { preconditionFailure("Bidirectional built from \(spec)") }
        let ahead = Inner(inputDim: inputFeatures, units: units, returnSequences: returnSequences, random: &random)
        let behind = Inner(inputDim: inputFeatures, units: units, returnSequences: returnSequences, random: &random)
        self.init(forwardLayer: ahead, backwardLayer: behind)
    }

    public static var kindName: String { "bidirectional" }

    /// The forward layer's arrays as "forward_<field>", then the backward layer's as "backward_<field>".
    public static func parameterShapes(spec: LayerSpec, inputFeatures: Int) -> [(field: String, shape: [Int])] {
        guard case let .bidirectional(_, units, _) = spec else { preconditionFailure("Bidirectional sized from \(spec)") }
        let inner = Inner.parameterShapes(inputDim: inputFeatures, units: units)
        return inner.map { ("forward_" + $0.field, $0.shape) } + inner.map { ("backward_" + $0.field, $0.shape) }
    }

    public static func outputFeatures(spec: LayerSpec, inputFeatures: Int) -> Int {
        guard case let .bidirectional(_, units, _) = spec else { preconditionFailure("Bidirectional sized from \(spec)") }
        return 2 * units
    }

    public var spec: LayerSpec { .bidirectional(Inner.cell, units: units, returnSequences: returnSequences) }

    public var storedParameters: [[Float]] { forwardLayer.storedParameters + backwardLayer.storedParameters }

    public mutating func updateParameter(_ index: Int, _ body: (inout [Float]) -> Void) {
        let half = forwardLayer.storedParameters.count
        if index < half { forwardLayer.updateParameter(index, body) } else { backwardLayer.updateParameter(index - half, body) }
    }

}
