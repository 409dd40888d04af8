import Foundation
import Testing
import Extract
import Shared
@testable import Train

/// `predict` on real clips: the model file alone decides backbone, frames and preprocessing, the result
/// equals the same steps done by hand, and a model from other weights is refused.
@Suite(.serialized) struct PredictTests {
    static let root: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        return directory
    }()
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("predict-\(UUID().uuidString)")
    let models = PredictTests.root.appendingPathComponent("models")
    let frames = 6

    func clip(_ name: String, start: Double) throws -> URL {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let url = work.appendingPathComponent(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-v", "error", "-y", "-ss", String(start), "-t", "1",
                             "-i", "/usr/share/doc/opencv-doc/examples/data/Megamind.avi", "-vf", "scale=160:120",
                             "-c:v", "mpeg4", "-an", url.path]
        try process.runFenced()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg could not cut a clip: run `make setup`")
        return url
    }

    /// A head with random weights and a standardizer, recorded as trained on MobileNetV2 embeddings.
    func modelFile(sha: String = mobileNetV2SHA256) throws -> URL {
        var random = SeededRandom(seed: 3)
        let head = try Head(architecture: "gru1-fc1", inputDim: 1280, random: &random)
        let standardizer = Standardizer(mean: (0..<1280).map { Float($0 % 7) * 0.01 }, std: (0..<1280).map { 0.5 + Float($0 % 5) * 0.1 })
        let model = ModelFile(head: head, standardizer: standardizer, backbone: "mobilenetv2", weightsSHA256: sha, frames: frames,
                              inputSize: 224, cropPolicy: "center-crop", samplingPolicy: ExtractionRun.samplingPolicy,
                              dataset: "test", requestJSON: "{}")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let url = work.appendingPathComponent("model-\(sha.prefix(6)).h5")
        try model.write(to: url)
        return url
    }

    @Test func predictionEqualsTheStepsDoneByHand() throws {
        let video = try clip("a.avi", start: 2)
        let modelURL = try modelFile()
        let predictor = try VideoPredictor(modelURL: modelURL, modelsDirectory: models)
        let prediction = predictor.predict(video)
        let probability = try #require(prediction.fakeProbability, "predict failed: \(prediction.error ?? "")")
        #expect(prediction.validFrames == frames)
        #expect(prediction.label == (probability >= 0.5 ? "fake" : "real"))

        // By hand: the recorded frames and crop, the backbone, the standardizer, the head.
        let model = try ModelFile.read(from: modelURL)
        let sampled = try VideoFrameSampler(frameCount: frames, outputSize: 224, crop: .centerCrop).sample(video)
        let backbone = try BackboneKind.mobilenetV2.load(weightsAt: models.appendingPathComponent(BackboneKind.mobilenetV2.weightFileName)).network
        var embeddings = [Float]()
        for image in sampled.images { embeddings += backbone.embed([image]).data }
        let data = model.standardizer!.apply(to: try TrainingData(sequences: Tensor(shape: [1, frames, 1280], data: embeddings), labels: [0]))
        let expected = Double(model.head.predict(data.batch([0]))[0])
        #expect(abs(expected - probability) < 1e-5)
    }

    /// Many videos at once (decoding ahead of the CNN) give the one-by-one predictions, in order, with a bad
    /// file reported in its place rather than stopping the rest.
    @Test func manyVideosPredictAsOneByOneInOrder() async throws {
        let videos = [try clip("b.avi", start: 0), work.appendingPathComponent("missing.avi"),
                      try clip("c.avi", start: 4), try clip("d.avi", start: 6)]
        let predictor = try VideoPredictor(modelURL: try modelFile(), modelsDirectory: models)
        var reported: [Int] = []
        let batch = try await predictor.predict(videos, displayNames: ["b", "missing", "c", "d"]) { reported.append($0) }
        #expect(reported == [1, 2, 3, 4])
        #expect(batch.map(\.video) == ["b", "missing", "c", "d"])
        #expect(batch[1].error != nil && batch[1].fakeProbability == nil)
        for index in [0, 2, 3] {
            let alone = predictor.predict(videos[index])
            let probability = try #require(batch[index].fakeProbability, "\(batch[index].error ?? "")")
            #expect(abs(probability - alone.fakeProbability!) < 1e-6, "video \(index)")
        }
    }

    @Test func aModelFromOtherWeightsIsRefusedNamingTheSHA() throws {
        let modelURL = try modelFile(sha: String(repeating: "0", count: 64))
        let error = #expect(throws: PipelineError.self) { try VideoPredictor(modelURL: modelURL, modelsDirectory: models) }
        #expect(error?.description.contains(String(repeating: "0", count: 64)) == true)
        let missing = #expect(throws: PipelineError.self) {
            try VideoPredictor(modelURL: work.appendingPathComponent("none.h5"), modelsDirectory: models)
        }
        #expect(missing?.description.contains("none.h5") == true)
    }

    @Test func theCommandPrintsJSONAndFailsOnABadVideo() throws {
        let good = try clip("good.avi", start: 4)
        let bad = work.appendingPathComponent("bad.mp4")
        try Data("not a video".utf8).write(to: bad)
        let binary = Self.root.appendingPathComponent(".build/release/predict")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--model", try modelFile().path, "--models-dir", models.path, "--json", good.path, bad.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.runFenced()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0, "a video that cannot be scored must make the exit status non-zero")
        let rows = try JSONDecoder().decode(PredictionDocument.self, from: data).videos
        #expect(rows.count == 2)
        #expect(rows[0].fakeProbability != nil && rows[0].error == nil)
        #expect(rows[1].fakeProbability == nil && rows[1].error?.contains("bad.mp4") == true)
    }
}

/// The published MobileNetV2 checkpoint's digest (the registry's first row).
let mobileNetV2SHA256 = "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"
