import ArgumentParser
import Foundation
import Shared
import Train

/// `predict`: a trained head scores new videos, embedded exactly as its training cache was.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score videos with a trained head: fake probability and label per video.",
        discussion: """
            Uses the backbone, frame count and preprocessing recorded in the model file (results/.../model.h5). \
            A folder holding a labels.csv (or --labels) also gives AUC and accuracy at the model's threshold.
            """,
        version: ToolVersion.string)

    @Option(help: "A model.h5 written by `train`.") var model: String
    @Argument(help: "Video files or folders (searched recursively).") var videos: [String]
    @Option(help: "Folder with the pretrained weight files.") var modelsDir: String = "models"
    @Option(help: "The backbone checkpoint the model's cache was made with, when it was not the published one (extract --weights).")
    var weights: String?
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(help: "Also give the head's running score after each sampled frame (frame index, time stamp, p(fake)).")
    var perFrame = false
    @Option(help: "Write an HTML page with each video's running-score timeline and its frames' thumbnails.")
    var report: String?
    @Option(help: "A labels.csv (path,label; paths relative to its folder) giving true labels: prints AUC and accuracy.")
    var labels: String?

    /// Thumbnail size in the report: small enough that a folder of videos stays a few megabytes.
    static let thumbnailSide = 64

    func run() async throws {
        do {
            let predictor = try VideoPredictor(modelURL: URL(fileURLWithPath: model),
                                               modelsDirectory: URL(fileURLWithPath: modelsDir, isDirectory: true),
                                               weights: weights.map { URL(fileURLWithPath: $0) })
            let files = try videos.flatMap { try VideoPredictor.videos(at: URL(fileURLWithPath: $0)) }
            let truth = try trueLabels()
            let detail = PredictionDetail(runningScores: perFrame || report != nil,
                                          thumbnailSide: report == nil ? nil : Self.thumbnailSide)
            var predictions = try await predictor.predict(files, displayNames: files.map(\.relativePath), detail: detail) { done in
                if files.count > 1 { printError("predict: \(done)/\(files.count)") }
            }
            let metrics = truth.map { LabelledMetrics.measure(&predictions, urls: files, labels: $0, threshold: predictor.model.threshold) }
            let document = PredictionDocument(modelPath: model, model: predictor.model, videos: predictions, metrics: metrics)
            if let report {
                try TimelineReport(document: document).write(to: URL(fileURLWithPath: report))
                printError("predict: wrote \(report)")
            }
            print(json ? try document.json()
                       : PredictionTable.text(document, thresholdDescription: predictor.model.thresholdDescription, perFrame: perFrame))
            if predictions.contains(where: { $0.error != nil }) { throw ExitCode.failure }
        } catch let error as DiagnosedError {
            printError("predict: error: \(error)")
            throw ExitCode.failure
        }
    }

    /// True labels by file (LabelsFile.key) from --labels and every folder argument's labels.csv; nil when none.
    private func trueLabels() throws -> [String: VideoLabel]? {
        var files = labels.map { [URL(fileURLWithPath: $0)] } ?? []
        for path in videos { files += LabelsFile.inFolder(URL(fileURLWithPath: path, isDirectory: true)).map { [$0] } ?? [] }
        guard !files.isEmpty else { return nil }
        var truth: [String: VideoLabel] = [:]
        for file in files {
            for video in try LabelsFile.read(file) { truth[LabelsFile.key(video.url)] = video.label }
        }
        return truth
    }
}

@main
enum Main {
    static func main() async {
        ProcessStart.prepare()
        await PredictCommand.main()
    }
}
