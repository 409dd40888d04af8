import Foundation
import Train

/// Seconds per epoch of `Trainer.train` (forward, backward, Adam on every minibatch, then the validation
/// pass), for each batch size; early stopping off so every epoch runs.
struct TrainingBenchmark {
    let splits: BenchSplits
    let architecture: String
    let batchSizes: [Int]
    let epochs: Int
    let repeats: Int

    struct BatchResult: Encodable {
        let batchSize: Int
        let epochs: Int
        let secondsPerRun: [Double]
        let secondsPerEpoch: Double
    }

    struct Result: Encodable {
        let architecture: String
        let trainVideos: Int
        let validationVideos: Int
        let batches: [BatchResult]
    }

    func run() throws -> Result {
        var batches: [BatchResult] = []
        for batchSize in batchSizes {
            let configuration = TrainingConfiguration(architecture: architecture, epochs: epochs, batchSize: batchSize,
                                                      earlyStoppingPatience: nil)
            let times = try Timing.runs(repeats: repeats) {
                _ = try Trainer.train(training: splits.train, validation: splits.validation, configuration: configuration)
            }
            batches.append(BatchResult(batchSize: batchSize, epochs: epochs, secondsPerRun: times,
                                       secondsPerEpoch: Timing.median(times) / Double(epochs)))
            JSONOutput.progress("train \(architecture) batch \(batchSize): \(String(format: "%.3f", Timing.median(times) / Double(epochs))) s/epoch")
        }
        return Result(architecture: architecture, trainVideos: splits.train.videoCount,
                      validationVideos: splits.validation.videoCount, batches: batches)
    }
}
