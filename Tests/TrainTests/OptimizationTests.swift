import Testing
@testable import Train

@Suite struct OptimizationTests {
    /// Two Adam steps on one Dense bias worked through by hand with Keras's update rule.
    @Test func adamMatchesKerasUpdate() throws {
        var random = SeededRandom(seed: 1)
        var head = try Head(architecture: "gru(1)", inputDim: 1, random: &random)
        let before = head.trainableParameters
        var adam = Adam()
        let grads = before.map { [Float](repeating: 0.5, count: $0.count) }
        adam.apply(grads, to: &head)
        // Step 1: m = 0.05, v = 0.00025, alpha = 1e-3 sqrt(0.001) / 0.1; update = alpha m / (sqrt(v) + 1e-7) ~ 1e-3.
        let alpha1 = 1e-3 * (1 - 0.999).squareRoot() / (1 - 0.9)
        let step1 = alpha1 * 0.05 / (0.00025.squareRoot() + 1e-7)
        #expect(abs(Double(before[0][0] - head.trainableParameters[0][0]) - step1) < 1e-7)
        adam.apply(grads.map { $0.map { -$0 } }, to: &head)
        // Step 2 with g = -0.5: m = 0.045 - 0.05 = -0.005, v = 0.00024975 + 0.00025 = 0.00049975.
        let alpha2 = 1e-3 * (1 - 0.999 * 0.999).squareRoot() / (1 - 0.81)
        let step2 = alpha2 * -0.005 / (0.00049975.squareRoot() + 1e-7)
        #expect(abs(Double(before[0][0] - head.trainableParameters[0][0]) - (step1 + step2)) < 1e-7)
    }

    @Test func weightDecayShrinksTowardZero() throws {
        var random = SeededRandom(seed: 1)
        var head = try Head(architecture: "gru(2)", inputDim: 2, random: &random)
        let before = head.trainableParameters[0]
        var adam = Adam(learningRate: 0.1, weightDecay: 0.5)
        adam.apply(head.trainableParameters.map { [Float](repeating: 0, count: $0.count) }, to: &head)
        for (a, b) in zip(before, head.trainableParameters[0]) { #expect(abs(b - a * 0.95) < 1e-6) }
    }

    @Test func stepDecayAndPlateauSchedules() {
        var step = LearningRateScheduler(schedule: .stepDecay(factor: 0.5, every: 2), initial: 1)
        #expect((0..<5).map { step.rate(forEpoch: $0) } == [1, 1, 0.5, 0.5, 0.25])
        var plateau = LearningRateScheduler(schedule: .reduceOnPlateau(factor: 0.1, patience: 2, minDelta: 0, cooldown: 0,
                                                                       minimum: 1e-3), initial: 1)
        var rates: [Float] = []
        for loss: Float in [1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.95, 0.97] {
            rates.append(plateau.rate(forEpoch: rates.count))
            plateau.observe(validationLoss: loss)
        }
        // Best 0.9 at epoch 1; epochs 2-3 do not improve -> 0.1; epochs 4-5 neither -> 0.01.
        #expect(rates.map { ($0 * 1000).rounded() / 1000 } == [1, 1, 1, 1, 0.1, 0.1, 0.01, 0.01])
    }

    @Test func earlyStoppingTracksBest() {
        var stopping = EarlyStopping(patience: 2)
        var improved: [Bool] = []
        for (epoch, loss) in [Float(1), 0.8, 0.8, 0.9].enumerated() {
            improved.append(stopping.observe(epoch: epoch, validationLoss: loss))
            if epoch == 2 { #expect(!stopping.shouldStop) }
        }
        #expect(improved == [true, true, false, false])
        #expect(stopping.shouldStop && stopping.bestEpoch == 1)
    }
}
