import Foundation
import Testing
import Shared
@testable import Train

/// `predict` on labelled videos: AUC and accuracy over the labelled, scored videos only.
@Suite struct LabelledMetricsTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("labelled-\(UUID().uuidString)")

    private func files(_ names: [String]) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try names.map { name in
            let url = folder.appendingPathComponent(name)
            try Data([1]).write(to: url)
            return url
        }
    }

    private func prediction(_ name: String, _ probability: Double?) -> VideoPrediction {
        VideoPrediction(video: name, fakeProbability: probability, label: nil, validFrames: 4,
                        error: probability == nil ? "cannot decode" : nil)
    }

    @Test func metricsAreTheMetricsFunctionsOnTheLabelledScoredVideos() throws {
        let names = ["a.mp4", "b.mp4", "c.mp4", "d.mp4", "e.mp4", "f.mp4", "g.mp4"]
        let urls = try files(names)
        try "path,label\na.mp4,fake\nb.mp4,0\nc.mp4,1\nd.mp4,real\ne.mp4,fake\nf.mp4,real\n"
            .write(to: folder.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        var truth: [String: VideoLabel] = [:]
        for video in try LabelsFile.read(folder.appendingPathComponent("labels.csv")) { truth[LabelsFile.key(video.url)] = video.label }
        // g is not listed; f could not be scored.
        let scores: [Double?] = [0.9, 0.4, 0.35, 0.2, 0.6, nil, 0.99]
        var predictions = zip(names, scores).map { prediction($0, $1) }
        let metrics = LabelledMetrics.measure(&predictions, urls: urls, labels: truth, threshold: 0.5)

        let used: [Float] = [0.9, 0.4, 0.35, 0.2, 0.6], labels = [1, 0, 1, 0, 1]
        #expect(metrics.videos == 5 && metrics.fake == 3 && metrics.real == 2 && metrics.failed == 1)
        #expect(metrics.unlabelled == ["g.mp4"])
        #expect(metrics.auc == Metrics.rocAUC(scores: used, labels: labels))
        #expect(metrics.accuracy == Metrics.accuracy(probabilities: used, labels: labels, threshold: 0.5))
        // By hand: fakes 0.9, 0.35, 0.6 against reals 0.4, 0.2 -> 5 of 6 pairs ordered; 4 of 5 right at 0.5.
        #expect(abs(metrics.auc! - 5.0 / 6.0) < 1e-12 && abs(metrics.accuracy! - 4.0 / 5.0) < 1e-12)
        #expect(predictions.map(\.trueLabel) == ["fake", "real", "fake", "real", "fake", "real", nil])
        #expect(metrics.summary.contains { $0.contains("not in the labels file") && $0.contains("g.mp4") })
    }

    @Test func oneClassLeavesTheAUCUndefined() throws {
        let urls = try files(["a.mp4", "b.mp4"])
        var predictions = [prediction("a.mp4", 0.7), prediction("b.mp4", 0.2)]
        let truth = Dictionary(uniqueKeysWithValues: urls.map { (LabelsFile.key($0), VideoLabel.fake) })
        let metrics = LabelledMetrics.measure(&predictions, urls: urls, labels: truth, threshold: 0.5)
        #expect(metrics.auc == nil && metrics.accuracy == 0.5)
        #expect(metrics.summary.contains("AUC: undefined (needs both classes)"))
    }

    /// Through the binary: a folder's labels.csv gives the metrics; a malformed one stops with one line naming it.
    @Test func predictOnALabelledFolderPrintsAUCAndAccuracy() throws {
        let fixture = PredictTests()
        let clips = [try fixture.clip("x.avi", start: 0), try fixture.clip("y.avi", start: 4), try fixture.clip("z.avi", start: 7)]
        let labels = fixture.work.appendingPathComponent("labels.csv")
        try "path,label\nx.avi,fake\ny.avi,real\n".write(to: labels, atomically: true, encoding: .utf8)
        let binary = PredictTests.root.appendingPathComponent(".build/release/predict")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        func predict(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["--model", try fixture.modelFile().path, "--models-dir", fixture.models.path] + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.runFenced()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let folder = try predict([fixture.work.path])
        #expect(folder.status == 0, "\(folder.stdout)")
        #expect(folder.stdout.contains("labelled: 2 videos scored (1 fake, 1 real)") && folder.stdout.contains("AUC: "))
        #expect(folder.stdout.contains("note: 1 videos are not in the labels file") && folder.stdout.contains("z.avi"), "\(folder.stdout)")
        let json = try predict(["--json", "--labels", labels.path, clips[0].path, clips[1].path])
        #expect(json.stdout.contains("\"true_label\" : \"fake\"") && json.stdout.contains("\"metrics\""), "\(json.stdout)")

        try "path,label\nx.avi,maybe\n".write(to: labels, atomically: true, encoding: .utf8)
        let bad = try predict([fixture.work.path])
        #expect(bad.status != 0)
        let lines = bad.stdout.split(separator: "\n").filter { $0.contains("error") }
        #expect(lines.count == 1 && lines[0].contains("labels.csv") && lines[0].contains("maybe"), "\(bad.stdout)")
    }
}
