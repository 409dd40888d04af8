import Foundation

/// One trained head in a dataset's leaderboard.
public struct LeaderboardRow: Sendable, Codable, Equatable {
    public var runDirectory: String      // relative to results/<DATA>/
    public var backbone: String
    public var frames: Int
    public var arch: String
    public var seed: Int
    public var learningRate: Double
    public var epochs: Int               // epochs actually run (early stopping may end sooner)
    public var trainSeconds: Double
    public var valAUC: Double
    public var valAccuracy: Double
    public var valLoss: Double
    public var testAUC: Double
    public var testAccuracy: Double
    /// The columns below are nil for runs written before they were recorded.
    public var crop: String? = nil
    public var sampling: String? = nil
    public var testAUCInterval: BootstrapInterval? = nil
    public var testAccuracyInterval: BootstrapInterval? = nil
    public var testAveragePrecision: Double? = nil
    public var testEqualErrorRate: Double? = nil
    public var valThreshold: Double? = nil
    public var testBalancedAccuracyAtValThreshold: Double? = nil

    public init(runDirectory: String, backbone: String, frames: Int, arch: String, seed: Int, learningRate: Double,
                epochs: Int, trainSeconds: Double, valAUC: Double, valAccuracy: Double, valLoss: Double,
                testAUC: Double, testAccuracy: Double) {
        self.runDirectory = runDirectory
        self.backbone = backbone
        self.frames = frames
        self.arch = arch
        self.seed = seed
        self.learningRate = learningRate
        self.epochs = epochs
        self.trainSeconds = trainSeconds
        self.valAUC = valAUC
        self.valAccuracy = valAccuracy
        self.valLoss = valLoss
        self.testAUC = testAUC
        self.testAccuracy = testAccuracy
    }
}

/// The runs of one dataset, ranked by validation AUC (then validation loss): never by test metrics,
/// so the test split stays an honest estimate of the chosen model.
public struct Leaderboard: Sendable {
    public private(set) var rows: [LeaderboardRow]

    public init(rows: [LeaderboardRow]) {
        self.rows = rows.sorted { a, b in
            if a.valAUC != b.valAUC { return a.valAUC > b.valAUC }
            if a.valLoss != b.valLoss { return a.valLoss < b.valLoss }
            return a.runDirectory < b.runDirectory
        }
    }

    /// Best run per architecture: the first of each arch in rank order.
    public var bestPerArch: Set<String> {
        var seen = Set<String>()
        var best = Set<String>()
        for row in rows where seen.insert(row.arch).inserted { best.insert(row.runDirectory) }
        return best
    }

    public var best: LeaderboardRow? { rows.first }

    /// CSV keeps each interval end in its own column; markdown writes `0.9100 [0.8400, 0.9600]`.
    static let csvColumns = ["rank", "best", "backbone", "frames", "arch", "crop", "sampling", "seed", "lr", "epochs", "train_s",
                             "val_auc", "val_acc", "val_loss", "test_auc", "test_auc_lo", "test_auc_hi", "test_acc",
                             "test_acc_lo", "test_acc_hi", "test_ap", "test_eer", "val_threshold", "test_bal_acc_val_t", "run"]
    static let markdownColumns = ["rank", "best", "backbone", "frames", "arch", "crop", "sampling", "seed", "lr", "epochs",
                                  "train_s", "val_auc", "val_acc", "val_loss", "test_auc [95% CI]", "test_acc [95% CI]", "test_ap",
                                  "test_eer", "val_threshold", "test_bal_acc_val_t", "run"]

    public func csv() -> String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for (rank, row) in rows.enumerated() {
            let ends = { (i: BootstrapInterval?) in [Self.number(i?.lower), Self.number(i?.upper)] }
            let cells = leading(rank: rank, row: row) + [Self.number(row.testAUC)] + ends(row.testAUCInterval)
                + [Self.number(row.testAccuracy)] + ends(row.testAccuracyInterval) + trailing(row)
            lines.append(cells.map(ScoresTable.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func markdown() -> String {
        var lines = ["| " + Self.markdownColumns.joined(separator: " | ") + " |",
                     "|" + String(repeating: "---|", count: Self.markdownColumns.count)]
        for (rank, row) in rows.enumerated() {
            let cells = leading(rank: rank, row: row) + [Self.withInterval(row.testAUC, row.testAUCInterval),
                                                         Self.withInterval(row.testAccuracy, row.testAccuracyInterval)] + trailing(row)
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n\nRanked by validation AUC, then validation loss. `overall` marks the best run, `arch` the best of its architecture. Test intervals: 95% stratified bootstrap (2000 resamples, percentile method). Accuracy at 0.5; `val_threshold` maximises validation balanced accuracy, `test_bal_acc_val_t` is test balanced accuracy there.\n"
    }

    private func leading(rank: Int, row: LeaderboardRow) -> [String] {
        let mark = rank == 0 ? "overall" : (bestPerArch.contains(row.runDirectory) ? "arch" : "")
        return [String(rank + 1), mark, row.backbone, String(row.frames), row.arch, row.crop ?? "", row.sampling ?? "",
                String(row.seed), String(format: "%g", row.learningRate), String(row.epochs), String(format: "%.2f", row.trainSeconds),
                Self.number(row.valAUC), Self.number(row.valAccuracy), Self.number(row.valLoss)]
    }

    private func trailing(_ row: LeaderboardRow) -> [String] {
        [Self.number(row.testAveragePrecision), Self.number(row.testEqualErrorRate), Self.number(row.valThreshold),
         Self.number(row.testBalancedAccuracyAtValThreshold), row.runDirectory]
    }

    /// Four decimals; empty when the run did not record the value.
    static func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }

    /// `0.9100 [0.8400, 0.9600]`, or the value alone without an interval.
    static func withInterval(_ value: Double, _ interval: BootstrapInterval?) -> String {
        number(value) + (interval.map { " [\(number($0.lower)), \(number($0.upper))]" } ?? "")
    }
}
