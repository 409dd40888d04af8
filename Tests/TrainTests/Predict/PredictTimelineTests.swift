import Foundation
import Testing
import Shared
@testable import Train

/// `predict --per-frame`, `--json`, `--report` and labels on real clips through the built binary.
@Suite(.serialized) struct PredictTimelineTests {
    let fixture = PredictTests()

    /// Runs a command; stdout and stderr apart (stderr through a file, so neither pipe can fill and block).
    private func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try FileManager.default.createDirectory(at: fixture.work, withIntermediateDirectories: true)
        let errorsFile = fixture.work.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        try Data().write(to: errorsFile)
        let errors = try FileHandle(forWritingTo: errorsFile)
        defer { try? errors.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.runFenced()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, try String(contentsOf: errorsFile, encoding: .utf8))
    }

    private func predict(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = PredictTests.root.appendingPathComponent(".build/release/predict")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "run the tests with `make test` (it builds the binaries)")
        return try run(binary, ["--models-dir", fixture.models.path] + arguments)
    }

    /// The clip's average frame rate as ffprobe reads it: the reference for the time stamps.
    private func ffprobeRate(_ url: URL) throws -> Double {
        let probe = try run(URL(fileURLWithPath: "/usr/bin/env"), ["ffprobe", "-v", "error", "-select_streams", "v:0",
                                                                    "-show_entries", "stream=avg_frame_rate", "-of", "csv=p=0", url.path])
        let parts = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").compactMap { Double($0) }
        try #require(parts.count == 2 && parts[1] > 0, "ffprobe said '\(probe.stdout)'")
        return parts[0] / parts[1]
    }

    @Test func perFrameJSONCarriesTheModelFramesAndRunningScores() throws {
        let video = try fixture.clip("timeline.avi", start: 3)
        let model = try fixture.modelFile()
        let result = try predict(["--model", model.path, "--per-frame", "--json", video.path])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONDecoder().decode(PredictionDocument.self, from: Data(result.stdout.utf8))
        #expect(document.model == model.path && document.threshold == 0.5 && document.frames == fixture.frames)
        #expect(document.backbone == "mobilenetv2" && document.crop == "center-crop" && document.metrics == nil)
        let row = try #require(document.videos.first)
        let probability = try #require(row.fakeProbability, "\(row.error ?? "")")
        #expect(row.frameIndices.count == fixture.frames && row.frameIndices == row.frameIndices.sorted())
        #expect(row.runningScores.count == fixture.frames && row.runningScores.last! == probability)
        let rate = try ffprobeRate(video)
        for (index, time) in zip(row.frameIndices, row.timeStamps) {
            #expect(abs(try #require(time) - Double(index) / rate) < 1e-9)
        }
        // Without --per-frame the JSON has the frames but no running scores.
        let plain = try predict(["--model", model.path, "--json", video.path])
        #expect(!plain.stdout.contains("running_scores") && plain.stdout.contains("frame_indices"))
    }

    @Test func perFrameTableListsEveryFrame() throws {
        let video = try fixture.clip("table.avi", start: 1)
        let result = try predict(["--model", try fixture.modelFile().path, "--per-frame", video.path])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("    ") && !$0.contains("frame") }
        #expect(rows.count == fixture.frames, "\(result.stdout)")
        let last = try #require(rows.last?.split(separator: " ").last.flatMap { Double($0) })
        let videoRow = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix(video.relativePath) || $0.contains("table.avi") })
        #expect(videoRow.contains(String(format: "%.4f", last)), "the last running score is the video's score: \(result.stdout)")
    }

    @Test func theReportDrawsOneTimelinePerVideoWithThumbnails() throws {
        let videos = [try fixture.clip("r1.avi", start: 0), try fixture.clip("r2.avi", start: 5)]
        let report = fixture.work.appendingPathComponent("report.html")
        let result = try predict(["--model", try fixture.modelFile().path, "--report", report.path] + videos.map(\.path))
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(html.components(separatedBy: "<section class=\"timeline\">").count - 1 == 2)
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == 2 * fixture.frames)
        #expect(html.contains("r1.avi") && html.contains("r2.avi") && !html.contains("<script"))
        // Each thumbnail decodes to a PNG of the CNN input shrunk to the report's size.
        let first = try #require(html.components(separatedBy: "data:image/png;base64,").dropFirst().first?.split(separator: "\"").first)
        let png = try #require(Data(base64Encoded: String(first)))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    /// `make predict JSON=1` prints nothing but the JSON on stdout. The build step is stubbed (MAKE=true):
    /// the binaries are built already and the sub-make's own output goes to stderr.
    @Test func makePredictWithJSONPrintsOnlyJSON() throws {
        let video = try fixture.clip("make.avi", start: 2)
        let result = try run(URL(fileURLWithPath: "/usr/bin/env"),
                             ["make", "-C", PredictTests.root.path, "--no-print-directory", "predict", "MAKE=true",
                              "MODEL=\(try fixture.modelFile().path)", "VIDEO=\(video.path)", "JSON=1", "PER_FRAME=1"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONDecoder().decode(PredictionDocument.self, from: Data(result.stdout.utf8))
        #expect(document.videos.count == 1 && document.videos[0].runningScores.count == fixture.frames)
        #expect(result.stderr.contains(".build/release/predict"), "the command goes to stderr: \(result.stderr)")
    }
}
