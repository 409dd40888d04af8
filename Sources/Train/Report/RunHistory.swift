import Foundation
import Shared

/// The validation columns of a run's history.csv (written by `RunFolder.historyCSV`), for the report's
/// overlaid curves.
struct RunHistory: Sendable, Equatable {
    struct Row: Sendable, Equatable {
        var epoch: Int          // 1-based, as written
        var validationLoss: Double
        var validationAUC: Double
    }

    static let header = "epoch,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,val_auc"
    var rows: [Row]

    /// Refuses a malformed file with a line naming it and the row; "nan" (an undefined AUC) is kept.
    static func read(_ url: URL) throws -> RunHistory {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw PipelineError("cannot read \(url.path): retrain the run (train fit --force) to write its history.csv")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first.map(String.init) == header else {
            throw PipelineError("\(url.path) does not start with '\(header)': it is not a history.csv written by train")
        }
        lines.removeFirst()
        return RunHistory(rows: try lines.enumerated().map { number, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 7, let epoch = Int(fields[0]), epoch > 0,
                  let loss = Double(fields[4]), let auc = Double(fields[6]) else {
                throw PipelineError("\(url.path) line \(number + 2) is not seven comma-separated numbers starting with a positive epoch")
            }
            return Row(epoch: epoch, validationLoss: loss, validationAUC: auc)
        })
    }
}
