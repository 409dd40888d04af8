import Testing
import Shared
@testable import Train

@Suite struct HeadSerializationTests {
    static func input() -> Activations {
        Activations(values: GradientChecking.values(2 * 5 * 6, scale: 1, seed: 3), mask: [1, 1, 1, 0, 0, 1, 1, 1, 1, 1],
                    batch: 2, steps: 5, features: 6)
    }

    @Test func rebuildFromNamedParametersPredictsTheSame() throws {
        var random = SeededRandom(seed: 9)
        var head = try Head(architecture: "gru(8)-bn-gru(4)-drop-fc(5)", inputDim: 6, random: &random)
        // Move the BN running statistics away from their defaults so they must be carried over.
        var dropout = SeededRandom(seed: 1)
        _ = head.forward(Self.input(), mode: .training, random: &dropout)
        let stored = Dictionary(uniqueKeysWithValues: head.namedParameters.map { ($0.name, $0.tensor) })
        let rebuilt = try Head(architecture: "gru(8)-bn-gru(4)-drop-fc(5)", inputDim: 6, parameters: stored)
        #expect(rebuilt.predict(Self.input()) == head.predict(Self.input()))
        #expect(rebuilt.namedParameters.map(\.name) == head.namedParameters.map(\.name))
    }

    @Test func missingOrMisshapenParametersAreDiagnosed() throws {
        var random = SeededRandom(seed: 9)
        let head = try Head(architecture: "gru1-fc1", inputDim: 6, random: &random)
        var stored = Dictionary(uniqueKeysWithValues: head.namedParameters.map { ($0.name, $0.tensor) })
        stored["0_gru/bias"] = Tensor(zeros: [3, 192])
        #expect(throws: ParameterError.self) { try Head(architecture: "gru1-fc1", inputDim: 6, parameters: stored) }
        stored.removeValue(forKey: "0_gru/bias")
        #expect(throws: ParameterError.self) { try Head(architecture: "gru1-fc1", inputDim: 6, parameters: stored) }
    }
}
