import Testing
@testable import Train

/// A 2-unit GRU on 3 steps (the middle one padded) with fixed weights. Expected values come from the
/// independent numpy implementation scripts/reference/gru_keras_reference.py (Keras reset_after=True).
/// Step 0 by hand: x = [1, -1]; x W + b_in = [0.75, -0.75, -0.0, 0.6, -0.6, 0.6] (h_prev = 0, so h U + b_rec
/// = b_rec); z = sigmoid([0.75, -0.65]) = [0.6792, 0.3430]; r = sigmoid([-0.05, 0.65]) = [0.4875, 0.6570];
/// hh = tanh([-0.5 + 0.4875 * 0.15, 0.5 + 0.6570 * -0.1]) = [-0.4830, 0.4887];
/// h = (1 - z) * hh = [-0.15495, 0.32105].
@Suite struct GRUKerasSemanticsTests {
    static let kernel: [Float] = [0.5, -0.3, 0.2, 0.1, -0.4, 0.6,
                                  -0.2, 0.4, 0.3, -0.5, 0.1, 0.2]
    static let recurrentKernel: [Float] = [0.1, 0.2, -0.3, 0.4, 0.5, -0.1,
                                           -0.2, 0.3, 0.1, -0.1, 0.2, 0.3]
    static let bias: [Float] = [0.05, -0.05, 0.1, 0.0, -0.1, 0.2,
                                0.0, 0.1, -0.05, 0.05, 0.15, -0.1]
    static let input = Activations(values: [1.0, -1.0, 0.5, 2.0, -1.5, 0.5], mask: [1, 0, 1],
                                   batch: 1, steps: 3, features: 2)
    // Step 1 is padded: its output repeats step 0's.
    static let expectedSequence: [Float] = [-0.154952968027474, 0.3210549760020867,
                                            -0.154952968027474, 0.3210549760020867,
                                            0.3429127145331659, 0.04965979571332024]

    func gru(returnSequences: Bool) -> GRU {
        GRU(inputDim: 2, units: 2, returnSequences: returnSequences,
            kernel: Self.kernel, recurrentKernel: Self.recurrentKernel, bias: Self.bias)
    }

    @Test func sequenceOutputsMatchKeras() {
        let out = gru(returnSequences: true).forward(Self.input).0
        #expect(out.steps == 3 && out.features == 2 && out.mask == [1, 0, 1])
        for (a, b) in zip(out.values, Self.expectedSequence) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func lastStateMatchesKeras() {
        let out = gru(returnSequences: false).forward(Self.input).0
        #expect(out.steps == 1 && out.features == 2)
        #expect(abs(out.values[0] - 0.3429127145331659) < 1e-6)
        #expect(abs(out.values[1] - 0.04965979571332024) < 1e-6)
    }

    @Test func trailingPaddingKeepsTheLastValidState() {
        // Padding after step 0 only: the final state is step 0's state.
        let padded = Activations(values: Self.input.values, mask: [1, 0, 0], batch: 1, steps: 3, features: 2)
        let out = gru(returnSequences: false).forward(padded).0
        #expect(abs(out.values[0] - (-0.154952968027474)) < 1e-6)
        #expect(abs(out.values[1] - 0.3210549760020867) < 1e-6)
    }

    @Test func initializersFollowKerasDefaults() {
        var random = SeededRandom(seed: 3)
        let g = GRU(inputDim: 20, units: 8, returnSequences: false, random: &random)
        // Orthogonal [8, 24]: rows orthonormal.
        for a in 0..<8 {
            for b in 0..<8 {
                var dot: Float = 0
                for c in 0..<24 { dot += g.recurrentKernel[a * 24 + c] * g.recurrentKernel[b * 24 + c] }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-5)
            }
        }
        let limit = (6.0 / Float(20 + 24)).squareRoot()
        #expect(g.kernel.allSatisfy { abs($0) <= limit })
        #expect(g.kernel.map(abs).max()! > 0.9 * limit)
        #expect(g.bias.allSatisfy { $0 == 0 })
    }
}
