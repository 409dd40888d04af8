import Foundation
import Testing
import Extract
import Shared
@testable import Train

/// Damaged or hostile model files give one clear error naming the file and the attribute or dataset, never a
/// trap, an allocation the size of a claimed layer, or predictions that silently mean nothing.
@Suite struct HostileModelTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-model-\(UUID().uuidString)")
    let models = PredictTests.root.appendingPathComponent("models")

    /// A valid gru1-fc1 head on MobileNetV2 embeddings with a standardizer, changed by `damage`.
    private func model(inputDim: Int = 1280, _ damage: (HDF5File) throws -> Void) throws -> URL {
        var random = SeededRandom(seed: 5)
        let head = try Head(architecture: "gru1-fc1", inputDim: inputDim, random: &random)
        let standardizer = Standardizer(mean: [Float](repeating: 0.1, count: inputDim), std: [Float](repeating: 0.5, count: inputDim))
        let model = ModelFile(head: head, standardizer: standardizer, backbone: "mobilenetv2",
                              weightsSHA256: mobileNetV2SHA256, frames: 6, inputSize: 224,
                              cropPolicy: "center-crop", samplingPolicy: ExtractionRun.samplingPolicy, dataset: "test",
                              requestJSON: "{}")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let url = work.appendingPathComponent("model-\(UUID().uuidString).h5")
        try model.write(to: url)
        let file = try HDF5File.open(url, access: .readWrite)
        try damage(file)
        try file.close()
        return url
    }

    /// `body` refuses the model with one line naming the file and every piece of `expected`.
    private func expectRefused(_ url: URL, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation,
                               _ body: (URL) throws -> Void = { _ = try ModelFile.read(from: $0) }) {
        let error = #expect(throws: ModelFileError.self, sourceLocation: sourceLocation) { try body(url) }
        let text = error?.description ?? ""
        for part in expected + [url.path] {
            #expect(text.contains(part), "'\(part)' missing from: \(text)", sourceLocation: sourceLocation)
        }
        #expect(!text.contains("\n"), sourceLocation: sourceLocation)
    }

    private func predictor(_ url: URL) throws {
        _ = try VideoPredictor(modelURL: url, modelsDirectory: models)
    }

    @Test func attributesOutOfRangeAreRefused() throws {
        expectRefused(try model { try $0.setAttribute("input_dim", Int64(-1)) }, ["attribute input_dim is -1, outside 1...16384"])
        expectRefused(try model { try $0.setAttribute("frames", Int64(1_000_000)) }, ["attribute frames is 1000000, outside 1...4096"])
        expectRefused(try model { try $0.setAttribute("input_size", Int64(20_000)) }, ["attribute input_size is 20000, outside 1...8192"])
        expectRefused(try model { try $0.setAttribute("threshold", Double.nan) }, ["attribute threshold is nan, not a probability"])
        expectRefused(try model { try $0.setAttribute("standardized", Int64(3)) }, ["attribute standardized is 3"])
    }

    /// Files from before thresholds were chosen on validation: no threshold (0.5 assumed) or a fixed 0.5.
    @Test func olderModelFilesWithoutAChosenThresholdStillLoad() throws {
        let none = try ModelFile.read(from: try model { try $0.removeAttribute("threshold") })
        #expect(none.threshold == 0.5 && none.thresholdRule == nil && none.settingsJSON == nil)
        #expect(none.thresholdDescription.hasPrefix("0.5 (fixed default"))
        let chosen = try ModelFile.read(from: try model {
            try $0.setAttribute("threshold", 0.375)
            try $0.setAttribute("threshold_rule", ModelFile.validationThresholdRule)
        })
        #expect(chosen.threshold == 0.375 && chosen.thresholdDescription == "0.375 (max validation balanced accuracy)")
    }

    @Test func aHeadThatDoesNotFitItsBackboneIsRefusedByPredict() throws {
        expectRefused(try model { try $0.setAttribute("input_size", Int64(32)) },
                      ["attribute input_size is 32, but mobilenetv2 takes 224-pixel inputs"], predictor)
        expectRefused(try model(inputDim: 16) { _ in }, ["attribute input_dim is 16, but mobilenetv2 embeddings have 1280"], predictor)
        // input_dim alone changed: the stored weights no longer fit it.
        expectRefused(try model { try $0.setAttribute("input_dim", Int64(16)) },
                      ["parameters/0_gru/kernel has shape [1280, 192], expected [16, 192]"])
    }

    @Test func absurdArchitecturesAreRefusedBeforeAllocating() throws {
        expectRefused(try model { try $0.setAttribute("architecture", "gru(200000000)-fc1") },
                      ["'gru(200000000)-fc1' has a layer of 200000000 units, at most 65536"])
        expectRefused(try model { try $0.setAttribute("architecture", "gru(60000,60000,60000)-fc1") }, ["more than 67108864 weights"])
    }

    @Test func parametersOfTheWrongShapeOrValueAreRefused() throws {
        let scalar = try model { file in
            try file.group("parameters").group("3_dense").removeChild("bias")
            try file.group("parameters").group("3_dense").createDataset("bias", of: Float.self, shape: [])
        }
        expectRefused(scalar, ["parameters/3_dense/bias is a scalar (rank 0), expected [1]"])

        let nan = try model { file in
            let kernel = try file.dataset("parameters/0_gru/kernel")
            var values = try kernel.read(as: Float.self)
            values[7] = .nan
            try kernel.write(values)
        }
        expectRefused(nan, ["parameters/0_gru/kernel holds nan at element 7", "finite"])

        let shortMean = try model { file in
            try file.group("standardizer").removeChild("mean")
            try file.group("standardizer").createDataset("mean", of: Float.self, shape: [10]).write([Float](repeating: 0, count: 10))
        }
        expectRefused(shortMean, ["standardizer/mean has shape [10], expected [1280]"])

        let zeroStd = try model { file in try file.dataset("standardizer/std").write([Float](repeating: 0, count: 1280)) }
        expectRefused(zeroStd, ["standardizer/std holds 0.0 at element 0", "positive"])
    }

    @Test func aNonFiniteScoreIsWrittenAsJSONNull() throws {
        let rows = [VideoPrediction(video: "a.mp4", fakeProbability: .nan, label: nil, validFrames: 3, error: "bad"),
                    VideoPrediction(video: "b.mp4", fakeProbability: 0.25, label: "real", validFrames: 6, error: nil)]
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        #expect(json.contains(#""fake_probability":null"#))
        let decoded = try JSONDecoder().decode([VideoPrediction].self, from: Data(json.utf8))
        #expect(decoded[0].fakeProbability == nil && decoded[1] == rows[1])
    }

    /// The CLI prints the reader's one line and exits 1, rather than dying on a signal.
    @Test func thePredictCommandReportsAHostileModelInOneLine() throws {
        let binary = PredictTests.root.appendingPathComponent(".build/release/predict")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        let url = try model { try $0.setAttribute("input_size", Int64(32)) }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--model", url.path, "--models-dir", models.path, work.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.runFenced()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 1)
        #expect(text.hasPrefix("predict: error: \(url.path) is not a usable model file: attribute input_size is 32"), "\(text)")
        #expect(text.split(separator: "\n").count == 1)
    }
}
