import Foundation
import Train

/// A hyper-parameter sweep as a researcher runs it: every architecture trained for all its epochs.
/// `parallel` trainings run at once (1 = one after another); the trainer itself is single-threaded
/// apart from OpenBLAS, so one training per core is the natural way to fill the machine.
struct SweepBenchmark {
    let splits: BenchSplits
    let architectures: [String]
    let epochs: Int
    let batchSize: Int
    let parallel: Int

    struct ArchitectureResult: Encodable {
        let architecture: String
        let seconds: Double
        let bestValidationAUC: Double
        let finalValidationLoss: Double  // full precision: equal across runs iff training was bit-identical
    }

    struct Result: Encodable {
        let epochs: Int
        let batchSize: Int
        let parallel: Int
        let trainVideos: Int
        let totalSeconds: Double
        let architectures: [ArchitectureResult]
    }

    func run() async throws -> Result {
        let splits = self.splits, epochs = self.epochs, batchSize = self.batchSize
        var results: [ArchitectureResult] = []
        let start = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: ArchitectureResult.self) { group in
            var next = 0
            func launch() {
                let architecture = architectures[next]
                next += 1
                group.addTask {
                    let configuration = TrainingConfiguration(architecture: architecture, epochs: epochs,
                                                              batchSize: batchSize, earlyStoppingPatience: nil)
                    var result: TrainingResult?
                    let seconds = try Timing.seconds {
                        result = try Trainer.train(training: splits.train, validation: splits.validation,
                                                   configuration: configuration)
                    }
                    let auc = result?.history.map(\.validationAUC).max() ?? .nan
                    return ArchitectureResult(architecture: architecture, seconds: seconds, bestValidationAUC: auc,
                                              finalValidationLoss: result?.history.last?.validationLoss ?? .nan)
                }
            }
            while next < min(max(parallel, 1), architectures.count) { launch() }
            for try await finished in group {
                results.append(finished)
                JSONOutput.progress("sweep \(finished.architecture): \(String(format: "%.1f", finished.seconds)) s")
                if next < architectures.count { launch() }
            }
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let order = Dictionary(uniqueKeysWithValues: architectures.enumerated().map { ($1, $0) })
        results.sort { order[$0.architecture, default: 0] < order[$1.architecture, default: 0] }
        return Result(epochs: epochs, batchSize: batchSize, parallel: parallel, trainVideos: splits.train.videoCount,
                      totalSeconds: total, architectures: results)
    }
}

extension SweepBenchmark {
    /// Ten heads of the notebook's family: every preset the grammar has with 1-3 GRUs and 1-3 FCs, plus -bn.
    static let defaultArchitectures = ["gru1-fc1", "gru1-fc2", "gru1-fc3", "gru2-fc1", "gru2-fc2", "gru2-fc3",
                                       "gru3-fc1", "gru3-fc2", "gru2-bn-fc2", "gru3-bn-fc2"]
}
