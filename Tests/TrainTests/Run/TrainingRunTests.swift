import Foundation
import Testing
import Extract
import Shared
@testable import Train

/// Stage 2 end to end on a synthetic cache written by the real cache writer: splits, result folders,
/// model files that reload, the leaderboard, skipping finished runs, and the errors for bad caches.
@Suite struct TrainingRunTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("train-run-\(UUID().uuidString)")
    let frames = 8, dim = 12

    /// Fake videos carry a bump in features 0-2 in some frames; the last 3 frames of every third video are padding.
    private func writeCache(videos: Int = 40, backbone: String = "mobilenetv2", labels: ((Int) -> Int8)? = nil,
                            poison: Bool = false, splits: ((Int) -> String?)? = nil) throws -> URL {
        let url = work.appendingPathComponent("cache/Syn/\(backbone)_f\(frames).h5")
        let metadata = CacheMetadata(backbone: backbone, weightsSHA256: String(repeating: "ab", count: 32), inputSize: 224,
                                     normalization: "test", frames: frames, embeddingDimension: dim,
                                     samplingPolicy: "test", cropPolicy: "whole-frame", dataset: "Syn")
        var session = try CacheWriteSession(cacheURL: url, metadata: metadata)
        var random = SeededRandom(seed: 7)
        var wanted: [WantedVideo] = []
        for v in 0..<videos {
            let label = labels?(v) ?? Int8(v % 2)
            let valid = (0..<frames).map { v % 3 != 0 || $0 < frames - 3 }
            var embeddings = [Float](repeating: 0, count: frames * dim)
            for f in 0..<frames where valid[f] {
                for d in 0..<dim { embeddings[f * dim + d] = Float(random.nextUniform() * 2 - 1) }
                if label == 1 && f % 2 == 0 { for d in 0..<3 { embeddings[f * dim + d] += 1.5 } }
            }
            if poison && v == 5 { embeddings[3] = .nan }
            let path = String(format: "%@/v%03d.mp4", label == 1 ? "fake" : "real", v)
            let split = splits?(v)
            try session.append(CachedVideo(path: path, label: label, split: split, bytes: 1, mtime: 1, totalFrames: 100,
                                           frameIndices: (0..<frames).map { valid[$0] ? Int32($0) : -1 }, valid: valid,
                                           embeddings: embeddings))
            wanted.append(WantedVideo(path: path, label: label, split: split, bytes: 1, mtime: 1))
        }
        try session.finish(keeping: wanted)
        return url
    }

    private func request(_ arch: String = "gru1-fc1", seed: Int = 42, epochs: Int = 25) -> TrainingRequest {
        TrainingRequest(dataset: "Syn", backbone: "mobilenetv2", frames: frames, architecture: arch, learningRate: 3e-3,
                        epochs: epochs, batchSize: 8, seed: seed, patience: 0)
    }

    @Test func aRunWritesReloadableResultsAndTheLeaderboard() throws {
        let cache = try CachedTrainingSet(cacheURL: try writeCache(), backbone: "mobilenetv2", frames: frames)
        #expect(cache.data.mask.data.filter { $0 == 0 }.count == 14 * 3)
        let results = work.appendingPathComponent("results")
        let outcome = try TrainingRun(request: request(), resultsDirectory: results).run(cache: cache)
        #expect(!outcome.reused)
        #expect(outcome.folder.path.hasSuffix("results/Syn/mobilenetv2_f8/gru1-fc1"))
        for file in ["model.h5", "request.json", "metrics.json", "history.csv", "learning_curves.svg", "roc_test.svg"] {
            #expect(FileManager.default.fileExists(atPath: outcome.folder.appendingPathComponent(file).path), "\(file) missing")
        }
        let metrics = try RunFolder.readMetrics(outcome.folder)
        #expect(metrics.train.videos + metrics.validation.videos + metrics.test.videos == 40)
        #expect(metrics.validation.auc > 0.8, "the bump is easy to learn; val AUC \(metrics.validation.auc)")
        let history = try String(contentsOf: outcome.folder.appendingPathComponent("history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").count == 26)

        // The model file alone reproduces the test probabilities.
        let model = try ModelFile.read(from: outcome.folder.appendingPathComponent("model.h5"))
        #expect(model.backbone == "mobilenetv2" && model.frames == frames && model.head.architecture == "gru1-fc1")
        let split = try SplitPlan(cache: cache, seed: 42)
        let test = model.standardizer!.apply(to: cache.data.subset(split.test))
        let reloaded = Evaluation(head: model.head, data: test)
        #expect(abs(reloaded.auc - metrics.test.auc) < 1e-12)
        #expect(abs(reloaded.loss - metrics.test.loss) < 1e-9)

        let board = try ResultsReport.update(dataset: "Syn", resultsDirectory: results)
        #expect(board.rows.map(\.runDirectory) == ["mobilenetv2_f8/gru1-fc1"])
        let html = try String(contentsOf: results.appendingPathComponent("Syn/report.html"), encoding: .utf8)
        #expect(html.contains("mobilenetv2_f8/gru1-fc1/roc_test.svg"))
    }

    @Test func identicalRunsAreSkippedAndOthersGetTheirOwnFolder() throws {
        let cache = try CachedTrainingSet(cacheURL: try writeCache(), backbone: "mobilenetv2", frames: frames)
        let results = work.appendingPathComponent("results")
        let first = try TrainingRun(request: request(epochs: 3), resultsDirectory: results).run(cache: cache)
        let again = try TrainingRun(request: request(epochs: 3), resultsDirectory: results).run(cache: cache)
        #expect(again.reused)
        #expect(again.metrics == first.metrics)
        let otherSeed = try TrainingRun(request: request(seed: 7, epochs: 3), resultsDirectory: results).run(cache: cache)
        #expect(!otherSeed.reused)
        #expect(otherSeed.folder.lastPathComponent == "gru1-fc1_run2")
        #expect(try ResultsReport.update(dataset: "Syn", resultsDirectory: results).rows.count == 2)
        // --force trains again and replaces the identical run: still one leaderboard row for it.
        let forced = try TrainingRun(request: request(epochs: 3), resultsDirectory: results).run(cache: cache, force: true)
        #expect(!forced.reused && forced.folder == first.folder)
        #expect(!FileManager.default.fileExists(atPath: results.appendingPathComponent("Syn/mobilenetv2_f8/gru1-fc1_run3").path))
        #expect(try ResultsReport.update(dataset: "Syn", resultsDirectory: results).rows.count == 2)
    }

    /// The same request on a cache with other contents (here one more video) is another run, not a reuse.
    @Test func anIdenticalRequestOnAChangedCacheTrainsAgain() throws {
        let results = work.appendingPathComponent("results")
        let first = try TrainingRun(request: request(epochs: 2), resultsDirectory: results)
            .run(cache: try CachedTrainingSet(cacheURL: try writeCache(), backbone: "mobilenetv2", frames: frames))
        try FileManager.default.removeItem(at: work.appendingPathComponent("cache"))
        let grown = try CachedTrainingSet(cacheURL: try writeCache(videos: 41), backbone: "mobilenetv2", frames: frames)
        let second = try TrainingRun(request: request(epochs: 2), resultsDirectory: results).run(cache: grown)
        #expect(!second.reused && second.folder != first.folder)
        #expect(first.metrics.cacheFingerprint != second.metrics.cacheFingerprint)
    }

    /// scores.csv, the resolved settings and the validation threshold: enough to recompute every metric.
    @Test func aRunKeepsItsScoresSettingsAndThreshold() throws {
        let cache = try CachedTrainingSet(cacheURL: try writeCache(), backbone: "mobilenetv2", frames: frames)
        let outcome = try TrainingRun(request: request(epochs: 6), resultsDirectory: work.appendingPathComponent("results")).run(cache: cache)
        let metrics = try RunFolder.readMetrics(outcome.folder)
        let table = try ScoresTable.read(outcome.folder.appendingPathComponent("scores.csv"))
        #expect(Set(table.rows.map(\.video)) == Set(cache.data.videoIDs))
        let split = try SplitPlan(cache: cache, seed: 42)
        #expect(Set(table.rows.filter { $0.split == "test" }.map(\.video)) == Set(split.test.map { cache.data.videoIDs[$0] }))
        for (name, scores) in [("val", metrics.validation), ("test", metrics.test)] {
            let rows = table.rows.filter { $0.split == name }
            #expect(rows.count == scores.videos)
            #expect(Metrics.rocAUC(scores: rows.map(\.logit), labels: rows.map(\.label)) == scores.auc)
            #expect(Metrics.accuracy(probabilities: rows.map(\.score), labels: rows.map(\.label)) == scores.accuracy)
        }
        let val = table.rows.filter { $0.split == "val" }
        let threshold = try #require(metrics.valThreshold)
        #expect(threshold == Metrics.balancedAccuracyThreshold(probabilities: val.map(\.score), labels: val.map(\.label)))
        #expect(metrics.validation.balancedAccuracyAtValThreshold! >= metrics.validation.balancedAccuracy!)
        let interval = try #require(metrics.test.aucInterval)
        #expect(interval.lower <= metrics.test.auc && metrics.test.auc <= interval.upper)
        let settings = try #require(metrics.settings)
        #expect(settings.crop == "whole-frame" && settings.standardize && settings.schedule == "constant")
        #expect(settings.classWeightReal > 0 && settings.classWeightFake > 0)
        let model = try ModelFile.read(from: outcome.folder.appendingPathComponent("model.h5"))
        #expect(model.threshold == threshold && model.thresholdRule == ModelFile.validationThresholdRule)
        #expect(try JSONDecoder().decode(RunSettings.self, from: Data(model.settingsJSON!.utf8)) == settings)
        let board = try ResultsReport.update(dataset: "Syn", resultsDirectory: work.appendingPathComponent("results"))
        #expect(board.markdown().contains(Leaderboard.withInterval(metrics.test.auc, interval)))
        #expect(board.csv().contains(",whole-frame,"))
    }

    @Test func concurrentRunsOfOneArchitectureNeverShareAFolder() async throws {
        let cache = try CachedTrainingSet(cacheURL: try writeCache(), backbone: "mobilenetv2", frames: frames)
        let results = work.appendingPathComponent("results")
        // Another process is writing gru1-fc1 right now: its claim must be left alone and skipped.
        let claimed = results.appendingPathComponent("Syn/mobilenetv2_f8/gru1-fc1.partial")
        try FileManager.default.createDirectory(at: claimed, withIntermediateDirectories: true)
        let folders = try await withThrowingTaskGroup(of: URL.self) { group in
            for seed in 1...4 {
                let run = TrainingRun(request: request(seed: seed, epochs: 2), resultsDirectory: results)
                group.addTask { try run.run(cache: cache).folder }
            }
            return try await group.reduce(into: [URL]()) { $0.append($1) }
        }
        #expect(Set(folders.map(\.lastPathComponent)) == ["gru1-fc1_run2", "gru1-fc1_run3", "gru1-fc1_run4", "gru1-fc1_run5"])
        #expect(Set(try folders.map { try RunFolder.readMetrics($0).request.seed }) == [1, 2, 3, 4])
        #expect(FileManager.default.fileExists(atPath: claimed.path))
    }

    @Test func theSameSeedGivesBitIdenticalMetrics() throws {
        let cache = try CachedTrainingSet(cacheURL: try writeCache(), backbone: "mobilenetv2", frames: frames)
        let a = try TrainingRun(request: request("gru2-fc2", epochs: 5), resultsDirectory: work.appendingPathComponent("a")).run(cache: cache)
        let b = try TrainingRun(request: request("gru2-fc2", epochs: 5), resultsDirectory: work.appendingPathComponent("b")).run(cache: cache)
        var left = a.metrics, right = b.metrics
        left.trainSeconds = 0; right.trainSeconds = 0
        #expect(left == right)
    }

    @Test func fixedSplitsFromTheDatasetWin() throws {
        let url = try writeCache(splits: { $0 < 28 ? "train" : ($0 < 34 ? "val" : "test") })
        let cache = try CachedTrainingSet(cacheURL: url, backbone: "mobilenetv2", frames: frames)
        let split = try SplitPlan(cache: cache, seed: 1)
        // Cache rows are sorted by path ("fake/v001", ..., "real/v000", ...): map them back to video numbers.
        func numbers(_ rows: [Int]) -> [Int] { rows.map { Int(cache.data.videoIDs[$0].dropFirst(6).prefix(3))! }.sorted() }
        #expect(numbers(split.train) == Array(0..<28))
        #expect(numbers(split.validation) == Array(28..<34))
        #expect(numbers(split.test) == Array(34..<40))
    }

    @Test func badCachesAreClearErrorsNamingTheFile() throws {
        let other = try writeCache(backbone: "efficientnet-lite0")
        let mismatch = #expect(throws: PipelineError.self) {
            try CachedTrainingSet(cacheURL: other, backbone: "efficientnet-lite0", frames: frames + 1)
        }
        #expect(mismatch?.description.contains(other.lastPathComponent) == true)

        let missing = #expect(throws: PipelineError.self) {
            try CachedTrainingSet(cacheURL: work.appendingPathComponent("nope.h5"), backbone: "mobilenetv2", frames: frames)
        }
        #expect(missing?.description.contains("make extract") == true)

        try FileManager.default.removeItem(at: work.appendingPathComponent("cache"))
        let oneClass = try writeCache(labels: { _ in 1 })
        let single = #expect(throws: PipelineError.self) { try CachedTrainingSet(cacheURL: oneClass, backbone: "mobilenetv2", frames: frames) }
        #expect(single?.description.contains("all 40 videos are fake") == true)

        try FileManager.default.removeItem(at: work.appendingPathComponent("cache"))
        let poisoned = try writeCache(poison: true)
        let nan = #expect(throws: CacheFormatError.self) { try CachedTrainingSet(cacheURL: poisoned, backbone: "mobilenetv2", frames: frames) }
        #expect(nan?.description.contains("NaN") == true)
        #expect(nan?.description.contains("fake/v005.mp4") == true)

        try FileManager.default.removeItem(at: work.appendingPathComponent("cache"))
        let tiny = try writeCache(videos: 6)
        #expect(throws: PipelineError.self) { try CachedTrainingSet(cacheURL: tiny, backbone: "mobilenetv2", frames: frames) }
    }

    /// `train` on a cache whose /labels or /videos is a scalar, or whose labels are 7: one error naming the
    /// file and the dataset (the cache reader's checks), not a trap in the HDF5 layer or a nameless data error.
    @Test func hostileCachesAreRefusedByTheReaderBeforeTraining() throws {
        for (name, damage) in [("/labels is a scalar", { (file: HDF5File) in
                                    try file.removeChild("labels")
                                    try file.createDataset("labels", of: Int8.self, shape: [])
                                }),
                               ("/videos is a scalar", { (file: HDF5File) in
                                    try file.removeChild("videos")
                                    try file.createStringDataset("videos", shape: [])
                                }),
                               ("/labels is 7", { (file: HDF5File) in
                                    try file.dataset("labels").write([Int8](repeating: 7, count: 40))
                                })] {
            try? FileManager.default.removeItem(at: work.appendingPathComponent("cache"))
            let url = try writeCache()
            let file = try HDF5File.open(url, access: .readWrite)
            try damage(file)
            try file.close()
            let error = #expect(throws: CacheFormatError.self) {
                try CachedTrainingSet(cacheURL: url, backbone: "mobilenetv2", frames: frames)
            }
            #expect(error?.description.contains(name) == true, "\(error?.description ?? "no error")")
            #expect(error?.description.contains(url.path) == true)
        }
    }

    @Test func badRequestsAreRejectedBeforeTraining() throws {
        #expect(throws: ArchitectureError.self) { try ArchitectureGrammar.parse("gru2-fc9") }
        var bad = request()
        bad.schedule = "cosine"
        #expect(throws: PipelineError.self) { try bad.trainingConfiguration() }
        bad.schedule = "step:0.5:10"
        #expect(try bad.trainingConfiguration().schedule == .stepDecay(factor: 0.5, every: 10))
        bad.epochs = 0
        #expect(throws: PipelineError.self) { try bad.trainingConfiguration() }
    }

    /// The report's per-run facts: the confusion matrix at the validation threshold agrees with scores.csv,
    /// split class counts and settings are shown, the kept epoch is marked, and runs of an architecture overlay.
    @Test func theReportShowsEachRunsConfusionSplitsAndSettings() throws {
        let cache = try CachedTrainingSet(cacheURL: try writeCache(), backbone: "mobilenetv2", frames: frames)
        let results = work.appendingPathComponent("results")
        let outcome = try TrainingRun(request: request(epochs: 6), resultsDirectory: results).run(cache: cache)
        _ = try TrainingRun(request: request(seed: 43, epochs: 4), resultsDirectory: results).run(cache: cache)
        let metrics = try RunFolder.readMetrics(outcome.folder)
        let confusion = try #require(metrics.testConfusionAtValThreshold)
        #expect(confusion.threshold == metrics.valThreshold && confusion.total == metrics.test.videos)
        let test = try ScoresTable.read(outcome.folder.appendingPathComponent("scores.csv")).rows.filter { $0.split == "test" }
        func count(_ label: Int, calledFake: Bool) -> Int {
            test.filter { $0.label == label && (Double($0.score) > confusion.threshold) == calledFake }.count
        }
        let counted: [Int] = [count(1, calledFake: true), count(0, calledFake: true), count(0, calledFake: false),
                              count(1, calledFake: false)]
        #expect([confusion.truePositives, confusion.falsePositives, confusion.trueNegatives, confusion.falseNegatives] == counted)
        #expect(metrics.test.fakes == test.filter { $0.label == 1 }.count)
        #expect(metrics.settings?.weightsSHA256 == String(repeating: "ab", count: 32))

        let curves = try String(contentsOf: outcome.folder.appendingPathComponent("learning_curves.svg"), encoding: .utf8)
        #expect(try #require(SVGElements.parse(curves)).withClass("best-epoch").count == 2)
        let roc = try String(contentsOf: outcome.folder.appendingPathComponent("roc_test.svg"), encoding: .utf8)
        #expect(try #require(SVGElements.parse(roc)).withClass("val-threshold").count == 1)

        try ResultsReport.update(dataset: "Syn", resultsDirectory: results)
        let html = try String(contentsOf: results.appendingPathComponent("Syn/report.html"), encoding: .utf8)
        let fakes = metrics.test.fakes!
        #expect(html.contains("test \(metrics.test.videos) (\(metrics.test.videos - fakes) real, \(fakes) fake)"))
        #expect(html.contains("<tr><th>fake</th><td>\(confusion.falseNegatives)</td><td>\(confusion.truePositives)</td></tr>"))
        #expect(html.contains("mobilenetv2 (weights abababababab)"))
        #expect(html.contains("src=\"curves_gru1-fc1.svg\""))
        let overlay = try String(contentsOf: results.appendingPathComponent("Syn/curves_gru1-fc1.svg"), encoding: .utf8)
        let legend = try #require(SVGElements.parse(overlay)).withClass("legend").map(\.text)
        #expect(legend.filter { $0.hasPrefix("mobilenetv2_f8 seed 42") }.count == 2)
        #expect(legend.filter { $0.hasPrefix("mobilenetv2_f8 seed 43") }.count == 2)
    }
}
