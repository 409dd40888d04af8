import Foundation
import Testing
import Shared
@testable import Train

/// Repeated runs on a synthetic cache: seeds aggregate into one leaderboard row per configuration, folds
/// test disjoint videos and summarize in cv.json, and every mean and std matches a direct computation.
@Suite struct SeedAggregateTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("seed-aggregate-\(UUID().uuidString)")

    private func base(_ arch: String = "gru1-fc1") -> TrainingRequest {
        TrainingRequest(dataset: "Syn", backbone: "mobilenetv2", frames: 8, architecture: arch, learningRate: 3e-3,
                        epochs: 4, batchSize: 8, seed: 42, patience: 0)
    }

    /// Sample mean and std by the one-pass formula, independent of MeanSpread's two passes.
    private func direct(_ values: [Double]) -> (mean: Double, std: Double) {
        let n = Double(values.count), mean = values.reduce(0, +) / n
        return (mean, ((values.map { $0 * $0 }.reduce(0, +) - n * mean * mean) / (n - 1)).squareRoot())
    }

    /// leaderboard_aggregate.csv as header-keyed rows.
    private func aggregateCSV(_ results: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: results.appendingPathComponent("Syn/leaderboard_aggregate.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    @Test func meanAndSampleStdMatchPythonStatistics() throws {
        // statistics.mean / statistics.stdev of the same values.
        let a = try #require(MeanSpread([0.81, 0.9, 0.87, 0.78]))
        #expect(abs(a.mean - 0.8400000000000001) < 1e-15 && abs(a.std! - 0.0547722557505166) < 1e-15 && a.count == 4)
        let b = try #require(MeanSpread([1, 2, 3, 4]))
        #expect(b.mean == 2.5 && abs(b.std! - 1.2909944487358056) < 1e-15)
        #expect(MeanSpread([0.7])?.std == nil && MeanSpread([0.7])?.text == "0.7000")
        #expect(MeanSpread([]) == nil)
        #expect(try SeedRepeats.seeds(from: 42, count: 3) == [42, 43, 44])
        #expect(throws: PipelineError.self) { try SeedRepeats.seeds(from: 42, count: 0) }
    }

    @Test func threeSeedsMakeThreeRunFoldersAndOneAggregatedRow() throws {
        let cache = try CachedTrainingSet(cacheURL: try writeSyntheticCache(in: work.appendingPathComponent("cache"), dataset: "Syn", videos: 40),
                                          backbone: "mobilenetv2", frames: 8)
        let results = work.appendingPathComponent("results")
        let requests = SeedRepeats.requests(base(), seeds: try SeedRepeats.seeds(from: 42, count: 3), folds: nil)
            + [base("avg-fc1")]
        let outcomes = try requests.map { try TrainingRun(request: $0, resultsDirectory: results).run(cache: cache) }
        #expect(outcomes.map(\.folder.lastPathComponent) == ["gru1-fc1", "gru1-fc1_run2", "gru1-fc1_run3", "avg-fc1"])
        #expect(outcomes.map(\.metrics.request.seed) == [42, 43, 44, 42])

        let board = try ResultsReport.update(dataset: "Syn", resultsDirectory: results)
        #expect(board.rows.count == 4, "the per-run table keeps every run")
        let rows = try aggregateCSV(results)
        #expect(rows.count == 2)
        let seeds = try #require(rows.first { $0["arch"] == "gru1-fc1" })
        #expect(seeds["n"] == "3" && seeds["kind"] == "seeds" && seeds["seeds"] == "42;43;44")
        #expect(seeds["runs"] == "mobilenetv2_f8/gru1-fc1;mobilenetv2_f8/gru1-fc1_run2;mobilenetv2_f8/gru1-fc1_run3")
        for (column, values) in [("val_auc", outcomes.prefix(3).map(\.metrics.validation.auc)),
                                 ("test_auc", outcomes.prefix(3).map(\.metrics.test.auc)),
                                 ("test_acc", outcomes.prefix(3).map(\.metrics.test.accuracy))] {
            let expected = direct(values)
            #expect(abs(Double(seeds[column + "_mean"]!)! - expected.mean) <= 5.01e-5, "\(column) mean")
            #expect(abs(Double(seeds[column + "_std"]!)! - expected.std) <= 5.01e-5, "\(column) std")
        }
        let single = try #require(rows.first { $0["arch"] == "avg-fc1" })
        #expect(single["n"] == "1" && single["val_auc_std"] == "" && single["seeds"] == "42")
        let means = rows.map { Double($0["val_auc_mean"]!)! }
        #expect(means == means.sorted(by: >), "ranked by mean validation AUC")

        let markdown = try String(contentsOf: results.appendingPathComponent("Syn/leaderboard.md"), encoding: .utf8)
        #expect(markdown.contains("## Across seeds and folds") && markdown.contains("| 3 | mobilenetv2 |"))
        let html = try String(contentsOf: results.appendingPathComponent("Syn/report.html"), encoding: .utf8)
        let section = try #require(html.range(of: "<section id=\"aggregate\">"))
        #expect(section.lowerBound < html.range(of: "</body>", options: .backwards)!.lowerBound)
    }

    @Test func foldsTestDisjointVideosAndSummarizeInCVJSON() throws {
        let url = try writeSyntheticCache(in: work.appendingPathComponent("cache"), dataset: "Syn", videos: 36,
                                          group: { "id\($0 / 2)" })
        let cache = try CachedTrainingSet(cacheURL: url, backbone: "mobilenetv2", frames: 8)
        let results = work.appendingPathComponent("results")
        let requests = SeedRepeats.requests(base(), seeds: [42], folds: try FoldChoice.all(count: 3))
        let outcomes = try requests.map { try TrainingRun(request: $0, resultsDirectory: results).run(cache: cache) }
        #expect(outcomes.map(\.folder.lastPathComponent) == ["gru1-fc1_fold1of3", "gru1-fc1_fold2of3", "gru1-fc1_fold3of3"])

        var tested: [String] = []
        for outcome in outcomes {
            let test = try ScoresTable.read(outcome.folder.appendingPathComponent("scores.csv")).rows.filter { $0.split == "test" }
            #expect(test.count == outcome.metrics.test.videos && test.count == 12, "18 twin pairs in 3 folds: 6 pairs each")
            #expect(Set(test.map { $0.video.split(separator: "/").last! }).count == 12)
            let pairs = Dictionary(grouping: test, by: { Int($0.video.dropFirst(6).prefix(3))! / 2 })
            #expect(pairs.values.allSatisfy { $0.count == 2 }, "a real and its fake twin are tested together")
            tested += test.map(\.video)
        }
        #expect(tested.sorted() == cache.data.videoIDs.sorted(), "every video is tested by exactly one fold")

        let summary = try CrossValidationSummary(outcomes: outcomes.reversed())
        let written = try summary.write(resultsDirectory: results)
        #expect(written.path.hasSuffix("results/Syn/mobilenetv2_f8/gru1-fc1_cv3/cv.json"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: written)) as! [String: Any]
        let testAUC = json["test_auc"] as! [String: Any]
        let expected = direct(outcomes.map(\.metrics.test.auc))
        #expect(abs(testAUC["mean"] as! Double - expected.mean) < 1e-12 && abs(testAUC["std"] as! Double - expected.std) < 1e-9)
        #expect((json["per_fold"] as! [[String: Any]]).map { $0["run"] as! String }
                == outcomes.map { "mobilenetv2_f8/" + $0.folder.lastPathComponent })
        #expect(summary.line.contains("3-fold cross-validation") && summary.line.contains(summary.testAUC.text))

        try ResultsReport.update(dataset: "Syn", resultsDirectory: results)
        let rows = try aggregateCSV(results)
        #expect(rows.count == 1 && rows[0]["kind"] == "cv3" && rows[0]["n"] == "3", "\(rows)")
        #expect(abs(Double(rows[0]["test_auc_mean"]!)! - expected.mean) <= 5.01e-5)
        // The same folds again are the same runs: nothing is retrained.
        #expect(try requests.map { try TrainingRun(request: $0, resultsDirectory: results).run(cache: cache).reused } == [true, true, true])
    }
}
