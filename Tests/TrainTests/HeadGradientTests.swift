import Testing
@testable import Train

/// The composed head's backward (ordering of gradients, caches, layer chaining) against finite differences.
@Suite struct HeadGradientTests {
    typealias G = GradientChecking

    @Test func fullHeadTrainingModeGradients() throws {
        let (batch, steps, dim) = (3, 4, 3)
        var random = SeededRandom(seed: 50)
        // GRU -> BN between GRUs -> GRU -> BN over the batch -> dropout -> FC(ReLU) x 2 -> FC(1): every layer kind
        // in training mode.
        var head = try Head(architecture: "gru(3)-bn-gru(3)-bn-drop(0.3)-fc(4)-fc(3)", inputDim: dim, random: &random)
        // Keras's zero biases put a ReLU exactly on its kink when a row's inputs are all zero; jitter them off it.
        head.updateTrainable { slot, values in
            let jitter = G.values(values.count, scale: 0.1, seed: 60 + UInt64(slot))
            for i in values.indices { values[i] += jitter[i] }
        }
        let mask: [Float] = [1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0]
        let input = Activations(values: G.values(batch * steps * dim, scale: 0.8, seed: 51), mask: mask,
                                batch: batch, steps: steps, features: dim)
        let labels: [Float] = [1, 0, 1]
        let weights: [Float] = [1.2, 0.7, 1.2]

        // The same dropout stream for every evaluation fixes the dropout mask.
        func loss(_ h: Head) -> Double {
            var h = h
            var dropout = SeededRandom(seed: 52)
            let logits = h.forward(input, mode: .training, random: &dropout).logits
            return SigmoidCrossEntropy.forward(logits: logits, labels: labels, weights: weights)
        }
        var h = head
        var dropout = SeededRandom(seed: 52)
        let (logits, caches) = h.forward(input, mode: .training, random: &dropout)
        let grads = head.backward(caches, logitGradient:
            SigmoidCrossEntropy.backward(logits: logits, labels: labels, weights: weights))
        let parameters = head.trainableParameters
        #expect(grads.count == parameters.count)
        for slot in parameters.indices {
            G.check("head slot \(slot)", point: parameters[slot], analytic: grads[slot]) { p in
                var changed = head
                changed.updateTrainable { s, values in if s == slot { values = p } }
                return loss(changed)
            }
        }
    }
}

/// Heads built from the new tokens, end to end through `Head.backward` in training mode.
@Suite struct NewHeadGradientTests {
    typealias G = GradientChecking

    // "bilstm(2)" ends in the logit alone: a ReLU kink within the finite-difference step would blur its check.
    @Test(arguments: ["avg-fc(4)", "lstm(3)-bn-bigru(2)-attn(3)-drop(0.3)-fc(3)", "bilstm(2)", "gru(3)-avg-fc(3)"])
    func headGradients(architecture: String) throws {
        let (batch, steps, dim) = (3, 4, 3)
        var random = SeededRandom(seed: 50)
        var head = try Head(architecture: architecture, inputDim: dim, random: &random)
        head.updateTrainable { slot, values in
            let jitter = G.values(values.count, scale: 0.1, seed: 60 + UInt64(slot))
            for i in values.indices { values[i] += jitter[i] }
        }
        let mask: [Float] = [1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0]
        let input = Activations(values: G.values(batch * steps * dim, scale: 0.8, seed: 51), mask: mask,
                                batch: batch, steps: steps, features: dim)
        let labels: [Float] = [1, 0, 1], weights: [Float] = [1.2, 0.7, 1.2]
        func loss(_ h: Head) -> Double {
            var h = h, dropout = SeededRandom(seed: 52)
            return SigmoidCrossEntropy.forward(logits: h.forward(input, mode: .training, random: &dropout).logits,
                                               labels: labels, weights: weights)
        }
        var h = head, dropout = SeededRandom(seed: 52)
        let (logits, caches) = h.forward(input, mode: .training, random: &dropout)
        let grads = head.backward(caches, logitGradient:
            SigmoidCrossEntropy.backward(logits: logits, labels: labels, weights: weights))
        let parameters = head.trainableParameters
        #expect(grads.count == parameters.count)
        for slot in parameters.indices {
            G.check("\(architecture) slot \(slot)", point: parameters[slot], analytic: grads[slot]) { p in
                var changed = head
                changed.updateTrainable { s, values in if s == slot { values = p } }
                return loss(changed)
            }
        }
    }
}
