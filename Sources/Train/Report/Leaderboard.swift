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

    static let columns = ["rank", "best", "backbone", "frames", "arch", "seed", "lr", "epochs", "train_s",
                          "val_auc", "val_acc", "val_loss", "test_auc", "test_acc", "run"]

    public func csv() -> String {
        var lines = [Self.columns.joined(separator: ",")]
        for (rank, row) in rows.enumerated() {
            lines.append(cells(rank: rank, row: row).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func markdown() -> String {
        var lines = ["| " + Self.columns.joined(separator: " | ") + " |",
                     "|" + String(repeating: "---|", count: Self.columns.count)]
        for (rank, row) in rows.enumerated() {
            lines.append("| " + cells(rank: rank, row: row).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n\nRanked by validation AUC, then validation loss. `overall` marks the best run, `arch` the best of its architecture.\n"
    }

    private func cells(rank: Int, row: LeaderboardRow) -> [String] {
        let mark = rank == 0 ? "overall" : (bestPerArch.contains(row.runDirectory) ? "arch" : "")
        return [String(rank + 1), mark, row.backbone, String(row.frames), row.arch, String(row.seed),
                String(format: "%g", row.learningRate), String(row.epochs), String(format: "%.2f", row.trainSeconds),
                String(format: "%.4f", row.valAUC), String(format: "%.4f", row.valAccuracy),
                String(format: "%.4f", row.valLoss), String(format: "%.4f", row.testAUC),
                String(format: "%.4f", row.testAccuracy), row.runDirectory]
    }
}
