import Foundation
import Testing
import Extract
import Shared
@testable import Train

/// `train evaluate` end to end on real clips: the home dataset's test split reproduces the run's own test
/// metrics, another dataset's cache is extracted with the model's settings and scored with the model's
/// standardization, the report gets the cross-dataset table, and a cache made otherwise is refused.
@Suite(.serialized) struct EvaluateCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("evaluate-cli-\(UUID().uuidString)")
    var data: URL { work.appendingPathComponent("data") }
    var runFolder: URL { work.appendingPathComponent("results/T/mobilenetv2_f4/gru1-fc1") }
    var model: String { runFolder.appendingPathComponent("model.h5").path }

    private func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        // An empty --config file: the built-in defaults, whatever the repository's pipeline.yaml says.
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try "# built-in defaults\n".write(to: work.appendingPathComponent("defaults.yaml"), atomically: true, encoding: .utf8)
        return try runTool(tool, arguments + [
            "--data-dir", data.path, "--cache-dir", work.appendingPathComponent("cache").path,
            "--models-dir", PredictTests.root.appendingPathComponent("models").path,
            "--config", work.appendingPathComponent("defaults.yaml").path]
            + (tool == "train" && !arguments.contains("--results-dir") ? ["--results-dir", work.appendingPathComponent("results").path] : []))
    }

    /// A gru1-fc1 head trained on 4-frame MobileNetV2 embeddings of the mirrored vtest clips (dataset T).
    private func trainHome() throws {
        try makeMirroredClips(in: data, dataset: "T")
        let fit = try run("train", ["fit", "--data", "T", "--frames", "4", "--arch", "gru1-fc1", "--epochs", "4"])
        try #require(fit.status == 0, "stderr: \(fit.stderr)")
    }

    @Test func theHomeTestSplitReproducesTheRunsTestMetrics() throws {
        try trainHome()
        let evaluate = try run("train", ["evaluate", "--model", model, "--data", "T"])
        try #require(evaluate.status == 0, "stderr: \(evaluate.stderr)")
        let runMetrics = try RunFolder.readMetrics(runFolder)
        let metrics = try EvaluationMetrics.read(runFolder.appendingPathComponent("eval/T/metrics.json"))
        #expect(metrics.split == .test)
        #expect(metrics.metrics == runMetrics.test)
        #expect(metrics.metrics.aucInterval != nil && metrics.metrics.accuracyAtValThreshold != nil)
        #expect(metrics.threshold == runMetrics.valThreshold)
        let runTest = try ScoresTable.read(runFolder.appendingPathComponent("scores.csv")).rows.filter { $0.split == "test" }
        let evaluated = try ScoresTable.read(runFolder.appendingPathComponent("eval/T/scores.csv")).rows
        #expect(evaluated == runTest)

        let typo = try run("train", ["evaluate", "--model", model, "--data", "T", "--split", "tset"])
        #expect(typo.status != 0 && typo.stderr.contains("--split 'tset' is not one of test, all"), "\(typo.stderr)")
        let ignored = try run("train", ["evaluate", "--model", model, "--data", "T", "--results-dir", "elsewhere"])
        #expect(ignored.status != 0 && ignored.stderr.contains("--results-dir elsewhere is not where"), "\(ignored.stderr)")
    }

    @Test func anotherDatasetIsExtractedScoredWithTheModelsStandardizationAndTabulated() throws {
        try trainHome()
        try makeOtherSourceClips(in: data, dataset: "U")
        let evaluate = try run("train", ["evaluate", "--model", model, "--data", "U"])
        try #require(evaluate.status == 0, "stderr: \(evaluate.stderr)")
        #expect(evaluate.stderr.contains("is missing: extracting it with the model's settings"))
        let folder = runFolder.appendingPathComponent("eval/U")
        for name in ["metrics.json", "scores.csv", "roc.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name) is missing")
        }
        let metrics = try EvaluationMetrics.read(folder.appendingPathComponent("metrics.json"))
        #expect(metrics.split == .all && metrics.metrics.videos == 12 && metrics.trainDataset == "T" && metrics.dataset == "U")

        // The scores by hand: the model's own standardizer on U's cache, then its head.
        let modelFile = try ModelFile.read(from: URL(fileURLWithPath: model))
        let cache = try CachedTrainingSet(cacheURL: work.appendingPathComponent("cache/U/mobilenetv2_f4.h5"),
                                          backbone: "mobilenetv2", frames: 4)
        let standardized = try #require(modelFile.standardizer).apply(to: cache.data)
        let expected = modelFile.head.predict(standardized.batch(Array(0..<12)))
        let rows = try ScoresTable.read(folder.appendingPathComponent("scores.csv")).rows
        for (index, video) in cache.data.videoIDs.enumerated() {
            let row = try #require(rows.first { $0.video == video })
            #expect(abs(row.score - expected[index]) <= 1e-6, "\(video): \(row.score) vs \(expected[index])")
            #expect(row.split == "all" && row.label == cache.data.labels[index])
        }
        // AUC independently: the share of (fake, real) pairs the logits order correctly, ties counting half.
        let fakes = rows.filter { $0.label == 1 }.map(\.logit), reals = rows.filter { $0.label == 0 }.map(\.logit)
        let pairs = fakes.flatMap { f in reals.map { r in f > r ? 1.0 : (f == r ? 0.5 : 0) } }
        #expect(abs(metrics.metrics.auc - pairs.reduce(0, +) / Double(pairs.count)) < 1e-12)

        let report = try String(contentsOf: work.appendingPathComponent("results/T/report.html"), encoding: .utf8)
        #expect(report.contains("Cross-dataset evaluation") && report.contains("<th>U AUC [95% CI]</th>"))
        #expect(report.contains(CrossDatasetTable.cell(metrics)))
        let markdown = try String(contentsOf: work.appendingPathComponent("results/T/leaderboard.md"), encoding: .utf8)
        #expect(markdown.contains("| mobilenetv2_f4/gru1-fc1 |") && markdown.contains(CrossDatasetTable.cell(metrics)))
    }

    @Test func aCacheMadeOtherwiseIsRefusedNamingWhatDiffers() throws {
        try trainHome()
        let extract = try run("extract", ["--data", "T", "--frames", "8"])
        try #require(extract.status == 0, "stderr: \(extract.stderr)")
        // Dataset W's cache where the model looks for 4-frame embeddings holds 8-frame ones.
        let misplaced = work.appendingPathComponent("cache/W/mobilenetv2_f4.h5")
        try FileManager.default.createDirectory(at: misplaced.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: work.appendingPathComponent("cache/T/mobilenetv2_f8.h5"), to: misplaced)
        let refused = try run("train", ["evaluate", "--model", model, "--data", "W"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("frames 8 (model 4)") && refused.stderr.contains("delete it"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("eval/W").path))

        let modelFile = try ModelFile.read(from: URL(fileURLWithPath: model))
        var metadata = try EmbeddingCacheReader(url: work.appendingPathComponent("cache/T/mobilenetv2_f4.h5")).metadata
        #expect(ModelCacheMatch.differences(model: modelFile, cache: metadata).isEmpty)
        metadata.backbone = "resnet50"
        metadata.weightsSHA256 = String(repeating: "0", count: 64)
        metadata.samplingPolicy = ExtractionRun.samplingPolicy(for: .nearestDecodable)
        let found = ModelCacheMatch.differences(model: modelFile, cache: metadata)
        #expect(found.count == 3, "\(found)")
        #expect(found.first == "backbone resnet50 (model mobilenetv2)")
        #expect(found.contains("sampling nearest-decodable (model exact)"), "\(found)")
    }

    @Test func makeEvaluatePassesItsVariablesAndRefusesOthers() throws {
        let make = dryRunMake
        let evaluate = try make(["evaluate", "MODEL=m.h5", "DATA=U", "SPLIT=test"])
        #expect(evaluate.status == 0 && evaluate.output.contains("train evaluate --model m.h5 --data U --split test"), "\(evaluate.output)")
        let refused = try make(["evaluate", "MODEL=m.h5", "DATA=U", "FRAMES=8"])
        #expect(refused.status != 0 && refused.output.contains("make evaluate does not use FRAMES=8"), "\(refused.output)")
    }
}
