import Foundation
import Testing
import Shared
@testable import Train

/// `train fit --seeds / --folds` and `train compare` through the `train` executable, on a synthetic cache
/// (the command finds it and extracts nothing).
@Suite(.serialized) struct RepeatedRunsCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("repeated-runs-cli-\(UUID().uuidString)")

    private func prepare(videos: Int = 40, group: @escaping (Int) -> String? = { _ in nil }) throws {
        try writeSyntheticCache(in: work.appendingPathComponent("cache"), dataset: "Syn", videos: videos, group: group)
        try "# built-in defaults\n".write(to: work.appendingPathComponent("defaults.yaml"), atomically: true, encoding: .utf8)
    }

    private func fit(_ options: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTool("train", ["fit", "--data", "Syn", "--frames", "8", "--epochs", "3"] + options + [
            "--data-dir", work.appendingPathComponent("data").path, "--cache-dir", work.appendingPathComponent("cache").path,
            "--results-dir", results.path, "--models-dir", PredictTests.root.appendingPathComponent("models").path,
            "--config", work.appendingPathComponent("defaults.yaml").path])
    }

    private var results: URL { work.appendingPathComponent("results") }
    private func run(_ name: String) -> String { results.appendingPathComponent("Syn/mobilenetv2_f8/\(name)").path }

    @Test func seedsThreeTrainsThreeSeedsAndAggregatesThem() throws {
        try prepare()
        let result = try fit(["--arch", "gru1-fc1", "--seeds", "3"])
        try #require(result.status == 0, "\(result.stderr)")
        for (name, seed) in [("gru1-fc1", 42), ("gru1-fc1_run2", 43), ("gru1-fc1_run3", 44)] {
            #expect(try RunFolder.readMetrics(URL(fileURLWithPath: run(name))).request.seed == seed)
        }
        #expect(result.stdout.contains("train: gru1-fc1, 3 runs (seeds 42, 43, 44): val AUC "), "\(result.stdout)")
        let csv = try String(contentsOf: results.appendingPathComponent("Syn/leaderboard_aggregate.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 2 && lines[1].hasPrefix("1,seeds,3,mobilenetv2,8,gru1-fc1,"), "\(csv)")
        let refused = try fit(["--arch", "gru1-fc1", "--seeds", "0"])
        #expect(refused.status != 0 && refused.stderr == "train: error: --seeds 0: give how many seeds to train, at least 1 (e.g. --seeds 3)\n",
                "\(refused.stderr)")
    }

    /// `sweep --seeds 2` trains train.seed and train.seed + 1, the runs `fit --seeds 2` then finds done.
    @Test func sweepAndFitAgreeOnTheSeeds() throws {
        try prepare()
        let sweep = try runTool("train", ["sweep", "--data", "Syn", "--frames", "8", "--archs", "gru1-fc1", "--epochs", "3",
                                          "--seeds", "2", "--jobs", "1", "--cache-dir", work.appendingPathComponent("cache").path,
                                          "--results-dir", results.path, "--config", work.appendingPathComponent("defaults.yaml").path])
        try #require(sweep.status == 0, "\(sweep.stderr)")
        #expect(try RunFolder.readMetrics(URL(fileURLWithPath: run("gru1-fc1_run2"))).request.seed == 43)
        let fit = try fit(["--arch", "gru1-fc1", "--seeds", "2"])
        #expect(fit.status == 0 && fit.stdout.components(separatedBy: "(existing results)").count == 3, "\(fit.stdout)")
        #expect(!FileManager.default.fileExists(atPath: run("gru1-fc1_run3")))
    }

    @Test func foldsTrainEachFoldAndWriteTheSummary() throws {
        try prepare(videos: 30, group: { "pair\($0 / 2)" })
        let result = try fit(["--arch", "gru1-fc1", "--folds", "3"])
        try #require(result.status == 0, "\(result.stderr)")
        for k in 1...3 { #expect(FileManager.default.fileExists(atPath: run("gru1-fc1_fold\(k)of3/model.h5"))) }
        #expect(result.stdout.contains("train: 3-fold cross-validation of gru1-fc1 (seed 42): test AUC "), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: run("gru1-fc1_cv3/cv.json")))
        let board = try String(contentsOf: results.appendingPathComponent("Syn/leaderboard.md"), encoding: .utf8)
        #expect(board.contains("| 1 | cv3 | 3 | mobilenetv2 |"), "\(board)")

        for (folds, message) in [("1", "--folds 1: cross-validation needs at least 2 folds"),
                                 ("16", "--folds 16: only 15 group(s) hold real videos, so some fold would test without any: use --folds 15 or fewer")] {
            let refused = try fit(["--arch", "gru1-fc1", "--folds", folds])
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1)
        }
    }

    /// The printed AUCs, difference and p-value are DeLong's paired test on the two runs' test rows of scores.csv.
    @Test func compareReportsDeLongOnTheRunsScoresAndRefusesOtherTestVideos() throws {
        try prepare()
        for arch in ["gru1-fc1", "avg-fc1"] { try #require(try fit(["--arch", arch]).status == 0) }
        let result = try runTool("train", ["compare", run("gru1-fc1"), run("avg-fc1") + "/scores.csv"])
        try #require(result.status == 0, "\(result.stderr)")

        let a = try ScoresTable.read(URL(fileURLWithPath: run("gru1-fc1/scores.csv"))).rows.filter { $0.split == "test" }
        let b = try ScoresTable.read(URL(fileURLWithPath: run("avg-fc1/scores.csv"))).rows.filter { $0.split == "test" }
        let logitOfB = Dictionary(uniqueKeysWithValues: b.map { ($0.video, $0.logit) })
        #expect(Set(logitOfB.keys) == Set(a.map(\.video)))
        let test = try #require(DeLong.pairedTest(scoresA: a.map(\.logit), scoresB: a.map { logitOfB[$0.video]! }, labels: a.map(\.label)))
        #expect(abs(test.aucA - Metrics.rocAUC(scores: a.map(\.logit), labels: a.map(\.label))) < 1e-12)
        let fakes = a.filter { $0.label == 1 }.count
        #expect(result.stdout.contains("compare: \(a.count) shared test videos (\(a.count - fakes) real, \(fakes) fake)"), "\(result.stdout)")
        #expect(result.stdout.contains(String(format: "%@: test AUC %.4f", run("gru1-fc1"), test.aucA)))
        #expect(result.stdout.contains(String(format: "scores.csv: test AUC %.4f", test.aucB)))
        #expect(result.stdout.contains(String(format: "difference %.4f, z %.3f, p %.3g", test.aucA - test.aucB, test.z, test.pValue)),
                "\(result.stdout)")

        try #require(try fit(["--arch", "gru1-fc1", "--seed", "7"]).status == 0)
        let refused = try runTool("train", ["compare", run("gru1-fc1"), run("gru1-fc1_run2")])
        #expect(refused.status != 0)
        #expect(refused.stderr.hasPrefix("compare: error: \(run("gru1-fc1")) and \(run("gru1-fc1_run2")) were tested on different videos"),
                "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
    }

    /// make passes SEEDS and FOLDS to train, SEEDS to sweep, and stops on FOLDS for a sweep.
    @Test func makePassesSeedsAndFolds() throws {
        let make = dryRunMake
        let train = try make(["train", "SEEDS=3", "FOLDS=5"])
        #expect(train.status == 0 && train.output.contains("--seeds 3 --folds 5"), "\(train.output)")
        let sweep = try make(["sweep", "SEEDS=3"])
        #expect(sweep.status == 0 && sweep.output.contains("--seeds 3"), "\(sweep.output)")
        let refused = try make(["sweep", "FOLDS=5"])
        #expect(refused.status != 0 && refused.output.contains("make sweep does not use FOLDS=5"), "\(refused.output)")
    }
}
