import Testing
import Shared
@testable import Train

/// The LSTM, bidirectional wrappers and pooling layers' backward against central finite differences of their
/// forward, through `HeadLayer` (so each stored array's gradient is checked in the order the optimizer uses).
@Suite struct SequenceLayerGradientTests {
    typealias G = GradientChecking

    // Batch 2, 4 steps; video 0 has a padded first and third step, video 1 a padded last step.
    static let mask: [Float] = [0, 1, 0, 1, 1, 1, 1, 0]

    /// Every trainable array and the input of `layer`, for the loss sum(c * output).
    func check(_ name: String, _ layer: any HeadLayer, dim: Int = 3) {
        let (batch, steps) = (2, 4)
        let x = G.values(batch * steps * dim, scale: 0.8, seed: 7)
        let input = Activations(values: x, mask: Self.mask, batch: batch, steps: steps, features: dim)
        var random = SeededRandom(seed: 1)
        var copy = layer
        let (output, cache) = copy.apply(input, mode: .inference, random: &random)
        let c = G.values(output.values.count, scale: 1, seed: 8)
        let grads = layer.backpropagate(cache, outputGradient: c, needsInputGradient: true)
        func loss(_ l: any HeadLayer, _ i: Activations) -> Double {
            var l = l, random = SeededRandom(seed: 1)
            return G.weightedSum(l.apply(i, mode: .inference, random: &random).0.values, c)
        }
        G.check("\(name) input", point: x, analytic: grads.input!) { p in
            var i = input; i.values = p
            return loss(layer, i)
        }
        // Padded steps must not receive gradient: their input never reaches the output.
        for row in 0..<(batch * steps) where Self.mask[row] == 0 {
            for d in 0..<dim { #expect(grads.input![row * dim + d] == 0, "\(name): padded row \(row) got gradient") }
        }
        #expect(grads.parameters.count == layer.trainableCount)
        for (slot, values) in layer.storedParameters.prefix(layer.trainableCount).enumerated() {
            G.check("\(name) parameter \(slot)", point: values, analytic: grads.parameters[slot]) { p in
                var changed = layer
                changed.updateParameter(slot) { $0 = p }
                return loss(changed, input)
            }
        }
    }

    /// Nonzero biases so every bias entry matters.
    func jittered(_ layer: any HeadLayer) -> any HeadLayer {
        var layer = layer
        for slot in 0..<layer.trainableCount {
            layer.updateParameter(slot) { values in
                let jitter = G.values(values.count, scale: 0.2, seed: 60 + UInt64(slot))
                for i in values.indices { values[i] += jitter[i] }
            }
        }
        return layer
    }

    func layer(_ spec: LayerSpec, dim: Int = 3) -> any HeadLayer {
        var random = SeededRandom(seed: 5)
        return jittered(spec.makeLayer(inputFeatures: dim, random: &random))
    }

    @Test(arguments: [true, false]) func lstm(sequences: Bool) {
        check("LSTM", layer(.lstm(units: 3, returnSequences: sequences)))
    }

    @Test(arguments: [true, false]) func bidirectionalGRU(sequences: Bool) {
        check("BiGRU", layer(.bidirectional(.gru, units: 3, returnSequences: sequences)))
    }

    @Test(arguments: [true, false]) func bidirectionalLSTM(sequences: Bool) {
        check("BiLSTM", layer(.bidirectional(.lstm, units: 2, returnSequences: sequences)))
    }

    @Test func averagePooling() {
        // No weights: the input gradient is the whole check (and must be nonzero on valid frames).
        check("AveragePooling", layer(.averagePooling))
    }

    @Test func attentionPooling() {
        check("AttentionPooling", layer(.attentionPooling(units: 4)))
    }
}
