import Foundation
import Testing
import Extract
import Shared
@testable import Train

/// Cross-dataset evaluation on synthetic caches written by the real cache writer: the home dataset's test
/// split reproduces a run's test metrics (batch norm included), a second dataset is scored with the model's
/// standardization, and the report's table has a row per run and a column per evaluated dataset.
@Suite struct CrossDatasetEvaluationTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("cross-eval-\(UUID().uuidString)")
    let frames = 6, dim = 10

    /// Fakes carry a bump in features 0-2 of even frames, of `bump` size; `shift` moves every feature, so a
    /// second dataset's raw statistics differ from the first's.
    private func writeCache(dataset: String, videos: Int, seed: UInt64, bump: Float = 1.5, shift: Float = 0,
                            samplingPolicy: String = "test") throws -> CachedTrainingSet {
        let url = work.appendingPathComponent("cache/\(dataset)/mobilenetv2_f\(frames).h5")
        let metadata = CacheMetadata(backbone: "mobilenetv2", weightsSHA256: String(repeating: "ab", count: 32), inputSize: 224,
                                     normalization: "test", frames: frames, embeddingDimension: dim,
                                     samplingPolicy: samplingPolicy, cropPolicy: "whole-frame", dataset: dataset)
        var session = try CacheWriteSession(cacheURL: url, metadata: metadata)
        var random = SeededRandom(seed: seed)
        var wanted: [WantedVideo] = []
        for v in 0..<videos {
            let label = Int8(v % 2)
            var embeddings = [Float](repeating: 0, count: frames * dim)
            for f in 0..<frames {
                for d in 0..<dim { embeddings[f * dim + d] = Float(random.nextUniform() * 2 - 1) + shift }
                if label == 1 && f % 2 == 0 { for d in 0..<3 { embeddings[f * dim + d] += bump } }
            }
            let path = String(format: "%@/v%03d.mp4", label == 1 ? "fake" : "real", v)
            try session.append(CachedVideo(path: path, label: label, split: nil, bytes: 1, mtime: 1, totalFrames: 100,
                                           frameIndices: (0..<frames).map(Int32.init), valid: Array(repeating: true, count: frames),
                                           embeddings: embeddings))
            wanted.append(WantedVideo(path: path, label: label, split: nil, bytes: 1, mtime: 1))
        }
        try session.finish(keeping: wanted)
        return try CachedTrainingSet(cacheURL: url, backbone: "mobilenetv2", frames: frames)
    }

    private func train(_ arch: String, on cache: CachedTrainingSet) throws -> URL {
        let request = TrainingRequest(dataset: "Home", backbone: "mobilenetv2", frames: frames, architecture: arch,
                                      learningRate: 3e-3, epochs: 12, batchSize: 8, seed: 7, patience: 0)
        return try TrainingRun(request: request, resultsDirectory: work.appendingPathComponent("results")).run(cache: cache).folder
    }

    @Test func theHomeTestSplitReproducesTheRunsTestMetrics() throws {
        let home = try writeCache(dataset: "Home", videos: 40, seed: 1)
        for arch in ["gru1-fc1", "gru2-bn-fc2"] {
            let folder = try train(arch, on: home)
            let evaluation = try CrossDatasetEvaluation(modelURL: folder.appendingPathComponent("model.h5"))
            let outcome = try evaluation.run(cache: home, dataset: "Home", split: .test)
            let run = try RunFolder.readMetrics(folder)
            #expect(outcome.metrics.metrics == run.test, "\(arch)")
            #expect(outcome.metrics.threshold == run.valThreshold)
            #expect(evaluation.resultsDirectory?.standardizedFileURL == work.appendingPathComponent("results").standardizedFileURL)
        }
    }

    @Test func aSecondDatasetIsScoredWithTheModelsStandardizationAndTabulated() throws {
        let home = try writeCache(dataset: "Home", videos: 40, seed: 1)
        let other = try writeCache(dataset: "Other", videos: 24, seed: 2, bump: 1.2, shift: 0.3)
        let evaluatedRun = try train("gru1-fc1", on: home)
        _ = try train("gru2-fc1", on: home)
        let evaluation = try CrossDatasetEvaluation(modelURL: evaluatedRun.appendingPathComponent("model.h5"))
        let outcome = try evaluation.run(cache: other, dataset: "Other", split: .all)
        #expect(outcome.folder == evaluatedRun.appendingPathComponent("eval/Other", isDirectory: true))
        #expect(outcome.metrics.metrics.videos == 24 && outcome.metrics.split == .all)

        // By hand: the model's (Home train split) statistics, not Other's own, standardize Other's features.
        let standardizer = try #require(evaluation.model.standardizer)
        let expected = Evaluation(head: evaluation.model.head, data: standardizer.apply(to: other.data))
        #expect(outcome.metrics.metrics.auc == expected.auc && outcome.metrics.metrics.loss == expected.loss)
        let ownStatistics = Evaluation(head: evaluation.model.head, data: Standardizer(fitting: other.data).apply(to: other.data))
        #expect(ownStatistics.loss != expected.loss, "the shift must make the two standardizations differ")

        let board = try ResultsReport.update(dataset: "Home", resultsDirectory: work.appendingPathComponent("results"))
        let table = CrossDatasetTable(root: work.appendingPathComponent("results/Home"), board: board)
        #expect(table.datasets == ["Other"] && table.rows.count == 2)
        let html = try String(contentsOf: work.appendingPathComponent("results/Home/report.html"), encoding: .utf8)
        #expect(html.contains("<td>mobilenetv2_f6/gru1-fc1</td>") && html.contains("<td>\(CrossDatasetTable.cell(outcome.metrics))</td>"))
        #expect(html.contains("<td>mobilenetv2_f6/gru2-fc1</td>") && html.contains("<td>-</td>"))
    }

    @Test func withoutEvaluationsTheReportHasNoTable() throws {
        let home = try writeCache(dataset: "Home", videos: 40, seed: 1)
        _ = try train("gru1-fc1", on: home)
        try ResultsReport.update(dataset: "Home", resultsDirectory: work.appendingPathComponent("results"))
        let html = try String(contentsOf: work.appendingPathComponent("results/Home/report.html"), encoding: .utf8)
        #expect(!html.contains("Cross-dataset"))
    }

    @Test func aCacheWithOtherSamplingIsRefusedNamingIt() throws {
        let home = try writeCache(dataset: "Home", videos: 40, seed: 1)
        let folder = try train("gru1-fc1", on: home)
        let other = try writeCache(dataset: "Other", videos: 20, seed: 2, samplingPolicy: ExtractionRun.samplingPolicy)
        let evaluation = try CrossDatasetEvaluation(modelURL: folder.appendingPathComponent("model.h5"))
        let error = #expect(throws: PipelineError.self) { try evaluation.run(cache: other, dataset: "Other", split: .all) }
        let line = error.map { "\($0)" } ?? ""
        #expect(line.contains("sampling exact (model other)") && line.contains("delete it"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("eval/Other").path))
    }
}
