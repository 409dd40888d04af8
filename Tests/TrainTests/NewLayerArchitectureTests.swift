import Testing
import Shared
@testable import Train

/// The grammar's baseline and extra-head tokens, and that heads using them rebuild from their stored weights.
@Suite struct NewLayerArchitectureTests {
    @Test func averageBaselinePresetExpandsWithTheUsualDropout() throws {
        #expect(try ArchitectureGrammar.parse("avg-fc2") == [
            .averagePooling, .dropout(rate: 0.5), .dense(units: 32, relu: true), .dropout(rate: 0.5),
            .dense(units: 16, relu: true), .dense(units: 1, relu: false),
        ])
        #expect(try ArchitectureGrammar.parse("avg-fc2") == ArchitectureGrammar.parse("avg-drop-fc(32)-drop-fc(16)"))
    }

    @Test func recurrentPresetsOfEveryKind() throws {
        #expect(try ArchitectureGrammar.parse("lstm2-fc1") == [
            .lstm(units: 64, returnSequences: true), .lstm(units: 32, returnSequences: false),
            .dropout(rate: 0.5), .dense(units: 32, relu: true), .dense(units: 1, relu: false),
        ])
        #expect(try ArchitectureGrammar.parse("bigru2-bn-fc1") == [
            .bidirectional(.gru, units: 64, returnSequences: true), .batchNorm,
            .bidirectional(.gru, units: 32, returnSequences: false),
            .dropout(rate: 0.5), .dense(units: 32, relu: true), .dense(units: 1, relu: false),
        ])
        #expect(try ArchitectureGrammar.parse("bilstm1-fc1").first == .bidirectional(.lstm, units: 64, returnSequences: false))
    }

    @Test func aPoolKeepsEveryRecurrentLayerOnSequences() throws {
        #expect(try ArchitectureGrammar.parse("gru2-attn-fc1") == [
            .gru(units: 64, returnSequences: true), .gru(units: 32, returnSequences: true), .attentionPooling(units: 32),
            .dropout(rate: 0.5), .dense(units: 32, relu: true), .dense(units: 1, relu: false),
        ])
        #expect(try ArchitectureGrammar.parse("lstm(8)-avg") == [
            .lstm(units: 8, returnSequences: true), .averagePooling, .dense(units: 1, relu: false),
        ])
        #expect(try ArchitectureGrammar.parse("attn(5)-fc(3)") == [
            .attentionPooling(units: 5), .dense(units: 3, relu: true), .dense(units: 1, relu: false),
        ])
    }

    @Test(arguments: ["avg-gru1-fc1", "fc1-avg", "avg-attn-fc1", "attn(0)-fc1", "attn(2,3)-fc1", "bigru-fc1",
                      "lstm4-fc1", "bilstm1-bn-fc1", "avg-bn-fc1-gru(3)", "avg-lstm(4)"])
    func misplacedOrMalformedTokensShowTheGrammar(_ text: String) {
        do {
            _ = try ArchitectureGrammar.parse(text)
            Issue.record("'\(text)' should not parse")
        } catch let error as ArchitectureError {
            #expect(error.description.contains("avg-fc2") && error.description.contains("'\(text)'"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: ["bilstm(4)-bn-lstm(3)-attn(2)-drop-fc(3)", "avg-fc1", "bigru(3)-avg-fc(2)"])
    func rebuildFromNamedParametersPredictsTheSame(architecture: String) throws {
        let input = HeadSerializationTests.input()
        var random = SeededRandom(seed: 9)
        var head = try Head(architecture: architecture, inputDim: 6, random: &random)
        var dropout = SeededRandom(seed: 1)
        _ = head.forward(input, mode: .training, random: &dropout)
        let stored = Dictionary(uniqueKeysWithValues: head.namedParameters.map { ($0.name, $0.tensor) })
        let rebuilt = try Head(architecture: architecture, inputDim: 6, parameters: stored)
        #expect(rebuilt.predict(input) == head.predict(input))
        // The model-file check sizes the same arrays from the string alone.
        let checked = try ModelFileCheck.parameterShapes(architecture: architecture, inputDim: 6, file: "m.h5")
        #expect(checked.map { "\($0.name) \($0.shape)" } == head.namedParameters.map { "\($0.name) \($0.tensor.shape)" })
    }

    @Test func bidirectionalAndAttentionNamesAndShapes() throws {
        var random = SeededRandom(seed: 1)
        let head = try Head(architecture: "bilstm(4)-attn(3)-fc(2)", inputDim: 5, random: &random)
        let shapes = head.namedParameters.map { "\($0.name) \($0.tensor.shape)" }
        #expect(shapes == [
            "0_bidirectional/forward_kernel [5, 16]", "0_bidirectional/forward_recurrent_kernel [4, 16]",
            "0_bidirectional/forward_bias [16]", "0_bidirectional/backward_kernel [5, 16]",
            "0_bidirectional/backward_recurrent_kernel [4, 16]", "0_bidirectional/backward_bias [16]",
            "1_attention_pooling/kernel [8, 3]", "1_attention_pooling/bias [3]", "1_attention_pooling/context [3]",
            "2_dense/kernel [8, 2]", "2_dense/bias [2]", "3_dense/kernel [2, 1]", "3_dense/bias [1]",
        ])
    }
}
