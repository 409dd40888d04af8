import Testing
import Shared
@testable import Train

/// The LSTM, bidirectional wrapper and pooling layers on two 3-step sequences (the first with a padded middle step,
/// the second with a padded last step holding large values that would show if padding leaked), with fixed
/// smooth weights. Expected values come from the independent numpy implementation
/// scripts/reference/recurrent_keras_reference.py (Keras LSTM / GRU reset_after / Bidirectional concat semantics).
@Suite struct RecurrentReferenceTests {
    static let input = Activations(values: [1.0, -1.0, 0.5, 2.0, -1.5, 0.5, 0.3, 0.8, -0.7, 0.2, 9.0, -9.0],
                                   mask: [1, 0, 1, 1, 1, 0], batch: 2, steps: 3, features: 2)

    /// 0.6 sin(0.7 i + phase) for i in 0..<count: the script's `weights`.
    static func weights(_ count: Int, _ phase: Double) -> [Float] {
        (0..<count).map { Float(0.6 * sin(Double($0) * 0.7 + phase)) }
    }

    static func lstm(_ sequences: Bool, backward: Bool = false) -> LSTM {
        let p = backward ? (0.4, 1.9, 2.7) : (0.1, 1.3, 2.2)
        return LSTM(inputDim: 2, units: 2, returnSequences: sequences, kernel: weights(16, p.0),
                    recurrentKernel: weights(16, p.1), bias: weights(8, p.2))
    }

    static func gru(_ sequences: Bool, backward: Bool = false) -> GRU {
        let p = backward ? (0.6, 1.7, 2.9) : (0.2, 1.1, 2.5)
        return GRU(inputDim: 2, units: 2, returnSequences: sequences, kernel: weights(12, p.0),
                   recurrentKernel: weights(12, p.1), bias: weights(12, p.2))
    }

    static func expectClose(_ actual: [Float], _ expected: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (i, (a, e)) in zip(actual, expected).enumerated() where abs(Double(a) - e) > 2e-6 {
            Issue.record("element \(i): \(a) vs numpy \(e)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [true, false]) func lstmMatchesKeras(sequences: Bool) {
        let out = Self.lstm(sequences).forward(Self.input).0
        Self.expectClose(out.values, sequences ? [-0.21070840552696551, -0.22283932985833355, -0.21070840552696551, -0.22283932985833355, -0.22710257932664837, 0.009488289226810779, -0.03483971753760168, -0.07715863066131404, -0.18965089949033695, -0.05438143179633523, -0.18965089949033695, -0.05438143179633523] : [-0.22710257932664837, 0.009488289226810779, -0.18965089949033695, -0.05438143179633523])
    }

    @Test(arguments: [true, false]) func bidirectionalGRUMatchesKeras(sequences: Bool) {
        let layer = Bidirectional(forwardLayer: Self.gru(sequences), backwardLayer: Self.gru(sequences, backward: true))
        let out = layer.forward(Self.input).0
        #expect(out.features == 4)
        Self.expectClose(out.values, sequences ? [-0.15685639490629863, -0.15353746504192753, -0.10566718014323608, 0.23094370742816842, -0.15685639490629863, -0.15353746504192753, 0.061705643516768896, 0.4815775925431948, -0.2641343873967017, 0.23668846621866796, 0.061705643516768896, 0.4815775925431948, -0.05296302208288368, 0.0032965525465584243, -0.046282459181553756, 0.13535771233279703, -0.2107069406199567, 0.017018371308522847, -0.09320704899366242, 0.1665460342253031, -0.2107069406199567, 0.017018371308522847, 0.0, 0.0] : [-0.2641343873967017, 0.23668846621866796, -0.10566718014323608, 0.23094370742816842, -0.2107069406199567, 0.017018371308522847, -0.046282459181553756, 0.13535771233279703])
    }

    @Test(arguments: [true, false]) func bidirectionalLSTMMatchesKeras(sequences: Bool) {
        let layer = Bidirectional(forwardLayer: Self.lstm(sequences), backwardLayer: Self.lstm(sequences, backward: true))
        Self.expectClose(layer.forward(Self.input).0.values, sequences ? [-0.21070840552696551, -0.22283932985833355, -0.23908157546781936, -0.12007967017913267, -0.21070840552696551, -0.22283932985833355, -0.06461753989020462, 0.11031649114549529, -0.22710257932664837, 0.009488289226810779, -0.06461753989020462, 0.11031649114549529, -0.03483971753760168, -0.07715863066131404, -0.06767260492539723, -0.029997967579934122, -0.18965089949033695, -0.05438143179633523, -0.10747942955588068, 0.05969778565666395, -0.18965089949033695, -0.05438143179633523, 0.0, 0.0] : [-0.22710257932664837, 0.009488289226810779, -0.23908157546781936, -0.12007967017913267, -0.18965089949033695, -0.05438143179633523, -0.06767260492539723, -0.029997967579934122])
    }

    @Test func averagePoolingIsTheMaskedMean() {
        Self.expectClose(AveragePooling(features: 2).forward(Self.input).0.values, [-0.25, -0.25, -0.19999999999999998, 0.5])
    }

    @Test func attentionPoolingMatchesNumpy() {
        var random = SeededRandom(seed: 1)
        var layer = AttentionPooling(features: 2, units: 3, random: &random)
        layer.kernel = Self.weights(6, 0.3)
        layer.bias = Self.weights(3, 1.5)
        layer.context = Self.weights(3, 2.4)
        Self.expectClose(layer.forward(Self.input).0.values, [-0.610106289797191, -0.03393622612168551, -0.20543604507649477, 0.4967383729541031])
    }

    @Test func poolingASequenceWithNoValidFrameGivesZeros() {
        let empty = Activations(values: [1, 2, 3, 4], mask: [0, 0], batch: 1, steps: 2, features: 2)
        var random = SeededRandom(seed: 2)
        #expect(AveragePooling(features: 2).forward(empty).0.values == [0, 0])
        #expect(AttentionPooling(features: 2, units: 3, random: &random).forward(empty).0.values == [0, 0])
    }

    @Test func lstmInitializersFollowKerasDefaults() {
        var random = SeededRandom(seed: 3)
        let layer = LSTM(inputDim: 5, units: 4, returnSequences: false, random: &random)
        // unit_forget_bias: ones on the forget gate's block [units, 2 units), zeros elsewhere.
        #expect(layer.bias == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        let limit = (6.0 / Float(5 + 16)).squareRoot()
        #expect(layer.kernel.allSatisfy { abs($0) <= limit })
    }
}

#if canImport(Glibc)
import Glibc
#endif
