import Testing
import Shared
@testable import Train

/// Every layer's backward against central finite differences of its forward.
@Suite struct LayerGradientTests {
    typealias G = GradientChecking

    // Batch 2, 4 steps; video 0 has a padded first and third step, video 1 a padded last step.
    static let mask: [Float] = [0, 1, 0, 1, 1, 1, 1, 0]

    func gruCheck(returnSequences: Bool, batch: Int = 2, steps: Int = 4, dim: Int = 3, units: Int = 3,
                  mask: [Float] = Self.mask) {
        var random = SeededRandom(seed: 5)
        var gru = GRU(inputDim: dim, units: units, returnSequences: returnSequences, random: &random)
        gru.bias = G.values(6 * units, scale: 0.3, seed: 6)  // nonzero biases exercise both bias rows
        let x = G.values(batch * steps * dim, scale: 0.8, seed: 7)
        let input = Activations(values: x, mask: mask, batch: batch, steps: steps, features: dim)
        let outCount = returnSequences ? batch * steps * units : batch * units
        let c = G.values(outCount, scale: 1, seed: 8)
        let (_, cache) = gru.forward(input)
        let grads = gru.backward(cache, outputGradient: c, needsInputGradient: true)
        let name = returnSequences ? "GRU(sequences)" : "GRU(last)"

        G.check("\(name) input", point: x, analytic: grads.input!) { p in
            var i = input; i.values = p
            return G.weightedSum(gru.forward(i).0.values, c)
        }
        // Padded steps must not receive gradient: their input never reaches the output.
        for b in 0..<batch {
            for t in 0..<steps where mask[b * steps + t] == 0 {
                for d in 0..<dim { #expect(grads.input![(b * steps + t) * dim + d] == 0) }
            }
        }
        G.check("\(name) kernel", point: gru.kernel, analytic: grads.parameters[0]) { p in
            var g = gru; g.kernel = p
            return G.weightedSum(g.forward(input).0.values, c)
        }
        G.check("\(name) recurrent kernel", point: gru.recurrentKernel, analytic: grads.parameters[1]) { p in
            var g = gru; g.recurrentKernel = p
            return G.weightedSum(g.forward(input).0.values, c)
        }
        G.check("\(name) bias", point: gru.bias, analytic: grads.parameters[2]) { p in
            var g = gru; g.bias = p
            return G.weightedSum(g.forward(input).0.values, c)
        }
    }

    @Test func gruWithMaskReturningSequences() { gruCheck(returnSequences: true) }
    @Test func gruWithMaskReturningLastState() { gruCheck(returnSequences: false) }

    /// Shapes that exercise every edge of the fused recurrence on two threads: 7 rows (a full group of four
    /// and a short one), 44 units (five full 8-unit chunks and a 4-unit tail; backward pairs of 16, 16, 12).
    @Test(arguments: [true, false]) func gruOnSplitShapes(returnSequences: Bool) {
        let (batch, steps) = (7, 5)
        let mask: [Float] = (0..<(batch * steps)).map { ($0 * 5 + $0 / steps) % 7 == 3 ? 0 : 1 }
        #expect(GRURecurrence(batch: batch, steps: steps, units: 44).threads(available: 2) == 2)
        ThreadCountForTests.with(2) {
            gruCheck(returnSequences: returnSequences, batch: batch, steps: steps, dim: 4, units: 44, mask: mask)
        }
    }

    @Test(arguments: [false, true]) func dense(relu: Bool) {
        let (rows, dim, units) = (5, 4, 3)
        // Pick the first seed whose pre-activations stay clear of the ReLU kink by more than any FD step moves them.
        var seed: UInt64 = 10
        var layer: Dense, x: [Float]
        repeat {
            var random = SeededRandom(seed: seed)
            layer = Dense(inputDim: dim, units: units, relu: false, random: &random)
            layer.bias = G.values(units, scale: 0.2, seed: seed + 1)
            x = G.values(rows * dim, scale: 1, seed: seed + 2)
            seed += 3
        } while layer.forward(Activations(flat: x, batch: rows, features: dim)).0.values.contains { abs($0) < 0.1 }
        layer = Dense(inputDim: dim, units: units, relu: relu, kernel: layer.kernel, bias: layer.bias)
        let input = Activations(flat: x, batch: rows, features: dim)
        let c = G.values(rows * units, scale: 1, seed: 20)
        let (_, cache) = layer.forward(input)
        let grads = layer.backward(cache, outputGradient: c, needsInputGradient: true)
        G.check("Dense input", point: x, analytic: grads.input!) { p in
            G.weightedSum(layer.forward(Activations(flat: p, batch: rows, features: dim)).0.values, c)
        }
        G.check("Dense kernel", point: layer.kernel, analytic: grads.parameters[0]) { p in
            var l = layer; l.kernel = p
            return G.weightedSum(l.forward(input).0.values, c)
        }
        G.check("Dense bias", point: layer.bias, analytic: grads.parameters[1]) { p in
            var l = layer; l.bias = p
            return G.weightedSum(l.forward(input).0.values, c)
        }
    }

    @Test func dropoutWithFixedMask() {
        let layer = Dropout(rate: 0.5)
        let x = G.values(12, scale: 1, seed: 30)
        let scale: [Float] = [2, 0, 2, 2, 0, 0, 2, 0, 2, 2, 2, 0]
        let input = Activations(flat: x, batch: 3, features: 4)
        let c = G.values(12, scale: 1, seed: 31)
        let (_, cache) = layer.forward(input, scale: scale)
        let dx = layer.backward(cache, outputGradient: c)
        G.check("Dropout input", point: x, analytic: dx) { p in
            G.weightedSum(layer.forward(Activations(flat: p, batch: 3, features: 4), scale: scale).0.values, c)
        }
    }

    @Test func dropoutDrawsInvertedMaskOnlyInTraining() {
        let layer = Dropout(rate: 0.25)
        let input = Activations(flat: [Float](repeating: 1, count: 4000), batch: 1000, features: 4)
        var random = SeededRandom(seed: 1)
        let trained = layer.forward(input, mode: .training, random: &random).0.values
        #expect(Set(trained) == [0, Float(1) / 0.75])
        let keptFraction = Double(trained.filter { $0 > 0 }.count) / 4000
        #expect(abs(keptFraction - 0.75) < 0.03)
        #expect(layer.forward(input, mode: .inference, random: &random).0 == input)
    }

    /// Batch norm in training mode over batch x valid steps (the between-GRU case), and over a flat batch.
    @Test(arguments: [true, false]) func batchNormTraining(sequence: Bool) {
        let features = 3
        var layer = BatchNorm(features: features)
        layer.gamma = [1.5, -0.7, 0.9]
        layer.beta = [0.1, 0.2, -0.3]
        let input: Activations
        if sequence {
            input = Activations(values: G.values(2 * 4 * features, scale: 1, seed: 40), mask: Self.mask,
                                batch: 2, steps: 4, features: features)
        } else {
            input = Activations(flat: G.values(6 * features, scale: 1, seed: 41), batch: 6, features: features)
        }
        let c = G.values(input.values.count, scale: 1, seed: 42)
        let (_, cache, _) = layer.forward(input, mode: .training)
        let grads = layer.backward(cache, outputGradient: c)
        G.check("BatchNorm input", point: input.values, analytic: grads.input) { p in
            var i = input; i.values = p
            return G.weightedSum(layer.forward(i, mode: .training).0.values, c)
        }
        G.check("BatchNorm gamma", point: layer.gamma, analytic: grads.parameters[0]) { p in
            var l = layer; l.gamma = p
            return G.weightedSum(l.forward(input, mode: .training).0.values, c)
        }
        G.check("BatchNorm beta", point: layer.beta, analytic: grads.parameters[1]) { p in
            var l = layer; l.beta = p
            return G.weightedSum(l.forward(input, mode: .training).0.values, c)
        }
    }

    @Test func batchNormStatisticsIgnorePaddingAndMoveRunningAverages() {
        // Feature values 1, 3 on valid rows and 100 on the padded row: mean 2, biased variance 1.
        let input = Activations(values: [1, 100, 3], mask: [1, 0, 1], batch: 1, steps: 3, features: 1)
        let layer = BatchNorm(features: 1)
        let (out, _, updated) = layer.forward(input, mode: .training)
        let s = 1 / (1 + Float(1e-3)).squareRoot()
        #expect(abs(out.values[0] - (-s)) < 1e-6 && abs(out.values[2] - s) < 1e-6)
        #expect(abs(updated.movingMean[0] - 0.02) < 1e-7)            // 0.99 * 0 + 0.01 * 2
        #expect(abs(updated.movingVariance[0] - 1.0) < 1e-7)         // 0.99 * 1 + 0.01 * 1
        // Inference uses the running statistics.
        let inferred = updated.forward(input, mode: .inference).0.values[0]
        #expect(abs(inferred - (1 - 0.02) / (1 + Float(1e-3)).squareRoot()) < 1e-6)
    }

    @Test func sigmoidCrossEntropyGradientAndStability() {
        let logits: [Float] = [-2, -0.3, 0.1, 1.7, 3]
        let labels: [Float] = [0, 1, 0, 1, 1]
        let weights: [Float] = [0.8, 1.6, 0.8, 1.6, 1.6]
        let grad = SigmoidCrossEntropy.backward(logits: logits, labels: labels, weights: weights)
        G.check("loss logits", point: logits, analytic: grad) { p in
            SigmoidCrossEntropy.forward(logits: p, labels: labels, weights: weights)
        }
        // Against the textbook form -w [y log p + (1 - y) log(1 - p)] / n at moderate logits.
        var expected = 0.0
        for i in logits.indices {
            let p = 1 / (1 + exp(-Double(logits[i])))
            expected -= Double(weights[i]) * (Double(labels[i]) * log(p) + (1 - Double(labels[i])) * log(1 - p))
        }
        expected /= 5
        #expect(abs(SigmoidCrossEntropy.forward(logits: logits, labels: labels, weights: weights) - expected) < 1e-9)
        // Huge logits stay finite: a confident wrong answer costs |z|.
        let extreme = SigmoidCrossEntropy.forward(logits: [200, -200], labels: [0, 1], weights: [1, 1])
        #expect(abs(extreme - 200) < 1e-9)
    }
}

#if canImport(Glibc)
import Glibc
#endif
