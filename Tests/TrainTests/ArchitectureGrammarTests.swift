import Testing
@testable import Train

@Suite struct ArchitectureGrammarTests {
    @Test func notebookBestPreset() throws {
        #expect(try ArchitectureGrammar.parse("gru2-fc2") == [
            .gru(units: 64, returnSequences: true), .gru(units: 32, returnSequences: false),
            .dropout(rate: 0.5), .dense(units: 32, relu: true), .dropout(rate: 0.5), .dense(units: 16, relu: true),
            .dense(units: 1, relu: false),
        ])
    }

    @Test func batchNormPresetGoesBetweenGRUs() throws {
        #expect(try ArchitectureGrammar.parse("gru3-bn-fc2") == [
            .gru(units: 64, returnSequences: true), .batchNorm, .gru(units: 64, returnSequences: true), .batchNorm,
            .gru(units: 32, returnSequences: false),
            .dropout(rate: 0.5), .dense(units: 32, relu: true), .dropout(rate: 0.5), .dense(units: 16, relu: true),
            .dense(units: 1, relu: false),
        ])
    }

    @Test func smallestPreset() throws {
        #expect(try ArchitectureGrammar.parse("gru1-fc1") == [
            .gru(units: 64, returnSequences: false), .dropout(rate: 0.5), .dense(units: 32, relu: true),
            .dense(units: 1, relu: false),
        ])
    }

    @Test func explicitFormIsPositional() throws {
        #expect(try ArchitectureGrammar.parse("gru(64,32)-drop(0.5)-fc(32,16)") == [
            .gru(units: 64, returnSequences: true), .gru(units: 32, returnSequences: false),
            .dropout(rate: 0.5), .dense(units: 32, relu: true), .dense(units: 16, relu: true),
            .dense(units: 1, relu: false),
        ])
        #expect(try ArchitectureGrammar.parse(" GRU(16) - bn - gru(8)-drop-fc(4)-drop(0.25)-fc(2) ") == [
            .gru(units: 16, returnSequences: true), .batchNorm, .gru(units: 8, returnSequences: false),
            .dropout(rate: 0.5), .dense(units: 4, relu: true), .dropout(rate: 0.25), .dense(units: 2, relu: true),
            .dense(units: 1, relu: false),
        ])
        // Shorthand tokens inside an explicit string: default units, nothing inserted.
        #expect(try ArchitectureGrammar.parse("gru2-drop(0.2)-fc1") == [
            .gru(units: 64, returnSequences: true), .gru(units: 32, returnSequences: false),
            .dropout(rate: 0.2), .dense(units: 32, relu: true), .dense(units: 1, relu: false),
        ])
        #expect(try ArchitectureGrammar.parse("gru(8)") == [.gru(units: 8, returnSequences: false), .dense(units: 1, relu: false)])
    }

    @Test func presetEqualsItsDocumentedExpansion() throws {
        #expect(try ArchitectureGrammar.parse("gru2-fc2") == ArchitectureGrammar.parse("gru(64,32)-drop(0.5)-fc(32)-drop(0.5)-fc(16)"))
        #expect(try ArchitectureGrammar.parse("gru3-bn-fc2")
            == ArchitectureGrammar.parse("gru(64)-bn-gru(64)-bn-gru(32)-drop-fc(32)-drop-fc(16)"))
    }

    @Test(arguments: ["gru2-fx2", "gr2-fc2", "gru2-fc2-", "gru(64,)-fc1", "fc2-gru1", "gru2-drop(1.5)-fc1",
                      "gru4-fc1", "", "drop-fc1", "gru1-bn-fc1", "gru(64-fc1", "gru2--fc2", "gru2-fc(0)"])
    func typosShowTheGrammar(_ text: String) {
        do {
            _ = try ArchitectureGrammar.parse(text)
            Issue.record("'\(text)' should not parse")
        } catch let error as ArchitectureError {
            #expect(error.description.contains("gru<N>[-bn]-fc<M>"))
            #expect(error.description.contains("gru(64,32)-drop(0.5)-fc(32,16)"))
            #expect(error.description.contains("'\(text)'"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func summaryCountsParameters() throws {
        var random = SeededRandom(seed: 1)
        let head = try Head(architecture: "gru1-fc1", inputDim: 10, random: &random)
        // GRU(64): 10*192 + 64*192 + 2*192 = 14592; Dense(32): 64*32 + 32 = 2080; Dense(1): 33.
        #expect(head.parameterCount == 14592 + 2080 + 33)
        #expect(head.summary.contains("GRU(64)") && head.summary.contains("14592"))
    }

    @Test func headBuildsTheParsedStackWithShapes() throws {
        var random = SeededRandom(seed: 1)
        let head = try Head(architecture: "gru3-bn-fc2", inputDim: 20, random: &random)
        #expect(head.layers.map(\.spec) == (try ArchitectureGrammar.parse("gru3-bn-fc2")))
        let shapes = head.namedParameters.map { "\($0.name) \($0.tensor.shape)" }
        #expect(shapes.first == "0_gru/kernel [20, 192]")
        #expect(shapes.contains("1_batch_normalization/moving_variance [64]"))
        #expect(shapes.last == "9_dense/bias [1]")
    }
}
