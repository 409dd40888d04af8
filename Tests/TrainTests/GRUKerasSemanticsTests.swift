import Testing
import Shared
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

/// The fused recurrence splits the batch over the cores; every row must come out the same either way. The
/// recurrence computes a row identically wherever it runs, but the layer's input projection and weight gradients
/// are oneDNN GEMMs, whose sums may be split differently per thread count and CPU: hence 1e-6 relative, far
/// below what a dropped or misplaced row or chunk changes (order 1).
@Suite struct GRURecurrenceSplitTests {
    @Test(arguments: [true, false]) func oneOrTwoThreadsGiveTheSameResults(returnSequences: Bool) {
        let (batch, steps, dim, units) = (7, 9, 6, 44)
        var random = SeededRandom(seed: 21)
        var gru = GRU(inputDim: dim, units: units, returnSequences: returnSequences, random: &random)
        gru.bias = (0..<(6 * units)).map { Float($0 % 11) * 0.03 - 0.15 }
        let x = (0..<(batch * steps * dim)).map { Float(($0 * 37) % 101) / 50 - 1 }
        let mask: [Float] = (0..<(batch * steps)).map { $0 % 5 == 2 ? 0 : 1 }
        let input = Activations(values: x, mask: mask, batch: batch, steps: steps, features: dim)
        let outputGradient = (0..<(returnSequences ? batch * steps * units : batch * units)).map { Float($0 % 13) * 0.1 - 0.6 }
        func run(threads: Int) -> (output: [Float], gradients: [[Float]]) {
            ThreadCountForTests.with(threads) {
                let (output, cache) = gru.forward(input)
                let backward = gru.backward(cache, outputGradient: outputGradient, needsInputGradient: true)
                return (output.values, backward.parameters + [backward.input!])
            }
        }
        #expect(GRURecurrence(batch: batch, steps: steps, units: units).threads(available: 2) == 2)
        let one = run(threads: 1), two = run(threads: 2)
        #expect(relativeDifference(one.output, two.output) <= 1e-6)
        for (slot, (a, b)) in zip(one.gradients, two.gradients).enumerated() {
            #expect(relativeDifference(a, b) <= 1e-6, "gradient \(slot) [kernel, recurrent kernel, bias, input]")
        }
        #expect(one.output.contains { $0 != 0 } && one.gradients[1].contains { $0 != 0 })
    }
}
