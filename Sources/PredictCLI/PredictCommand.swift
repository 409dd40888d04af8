import ArgumentParser
import Foundation
import Shared
import Train

/// `predict`: a trained head scores new videos, embedded exactly as its training cache was.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score videos with a trained head: fake probability and label per video.",
        discussion: "Uses the backbone, frame count and preprocessing recorded in the model file (results/.../model.h5).",
        version: ToolVersion.string)

    @Option(help: "A model.h5 written by `train`.") var model: String
    @Argument(help: "Video files or folders (searched recursively).") var videos: [String]
    @Option(help: "Folder with the pretrained weight files.") var modelsDir: String = "models"
    @Option(help: "The backbone checkpoint the model's cache was made with, when it was not the published one (extract --weights).")
    var weights: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        do {
            let predictor = try VideoPredictor(modelURL: URL(fileURLWithPath: model),
                                               modelsDirectory: URL(fileURLWithPath: modelsDir, isDirectory: true),
                                               weights: weights.map { URL(fileURLWithPath: $0) })
            let files = try videos.flatMap { try VideoPredictor.videos(at: URL(fileURLWithPath: $0)) }
            let predictions = try await predictor.predict(files, displayNames: files.map(\.relativePath)) { done in
                if files.count > 1 { printError("predict: \(done)/\(files.count)") }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(predictions), as: UTF8.self))
            } else {
                print(table(predictions, threshold: predictor.model.thresholdDescription))
            }
            if predictions.contains(where: { $0.error != nil }) { throw ExitCode.failure }
        } catch let error as DiagnosedError {
            printError("predict: error: \(error)")
            throw ExitCode.failure
        }
    }

    private func table(_ predictions: [VideoPrediction], threshold: String) -> String {
        let width = max(5, predictions.map(\.video.count).max() ?? 5)
        var lines = ["video".padding(toLength: width, withPad: " ", startingAt: 0) + "  p(fake)  label (fake above threshold \(threshold))"]
        for p in predictions {
            let name = p.video.padding(toLength: width, withPad: " ", startingAt: 0)
            if let probability = p.fakeProbability, let label = p.label {
                lines.append(name + String(format: "  %7.4f  %@", probability, label))
            } else {
                lines.append(name + "        -  error: " + (p.error ?? "unknown"))
            }
        }
        return lines.joined(separator: "\n")
    }
}

@main
enum Main {
    static func main() async {
        ProcessStart.prepare()
        await PredictCommand.main()
    }
}
