import Foundation
import Shared

/// The leaderboard's aggregated view: runs identical except for their seed (and, for cross-validation,
/// their fold) on the same cache contents form one row with n and mean ± sample std of validation AUC, test
/// AUC and test accuracy, ranked by mean validation AUC (then mean validation loss). A configuration trained
/// once is a row with n = 1.
public struct SeedAggregate: Sendable {
    public struct Row: Sendable, Equatable {
        /// "seeds", or "cv<K>" for the folds of K-fold cross-validation.
        public var kind: String
        public var backbone: String
        public var frames: Int
        public var arch: String
        public var crop: String
        public var learningRate: Double
        public var seeds: [Int]
        /// Run folders relative to results/<DATA>/, sorted.
        public var runs: [String]
        public var valAUC: MeanSpread
        public var testAUC: MeanSpread
        public var testAccuracy: MeanSpread
        /// Breaks ties of mean validation AUC, as validation loss does in the per-run leaderboard.
        public var valLoss: MeanSpread

        /// The console's summary of a repeated `train fit`.
        public var line: String {
            let what = kind == "seeds" ? "\(runs.count) runs" : "\(kind.dropFirst(2))-fold cross-validation, \(runs.count) runs"
            return "train: \(arch), \(what) (seeds \(seeds.map(String.init).joined(separator: ", "))): val AUC \(valAUC.text), test AUC \(testAUC.text), test accuracy \(testAccuracy.text) (mean ± std)"
        }
    }

    public static let fileName = "leaderboard_aggregate.csv"
    public let rows: [Row]

    public init(runs: [(directory: String, metrics: RunMetrics)]) {
        var order: [String] = []
        var members: [String: [(directory: String, metrics: RunMetrics)]] = [:]
        for run in runs {
            let key = Self.configurationKey(run.metrics)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(run)
        }
        rows = order.map { Self.row(members[$0]!) }.sorted { a, b in
            if a.valAUC.mean != b.valAUC.mean { return a.valAUC.mean > b.valAUC.mean }
            if a.valLoss.mean != b.valLoss.mean { return a.valLoss.mean < b.valLoss.mean }
            return a.runs.lexicographicallyPrecedes(b.runs)
        }
    }

    /// The request without its seed and fold number, plus the cache's fingerprint.
    static func configurationKey(_ metrics: RunMetrics) -> String {
        var request = metrics.request
        request.seed = 0
        request.fold?.index = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = (try? encoder.encode(request)).map { String(decoding: $0, as: UTF8.self) } ?? "\(request)"
        return text + "|" + (metrics.cacheFingerprint ?? "")
    }

    private static func row(_ group: [(directory: String, metrics: RunMetrics)]) -> Row {
        let request = group[0].metrics.request
        let metrics = group.map(\.metrics)
        return Row(kind: request.fold.map { "cv\($0.count)" } ?? "seeds", backbone: request.backbone, frames: request.frames,
                   arch: request.architecture, crop: request.crop, learningRate: request.learningRate,
                   seeds: Array(Set(metrics.map(\.request.seed))).sorted(), runs: group.map(\.directory).sorted(),
                   valAUC: MeanSpread(metrics.map(\.validation.auc))!, testAUC: MeanSpread(metrics.map(\.test.auc))!,
                   testAccuracy: MeanSpread(metrics.map(\.test.accuracy))!, valLoss: MeanSpread(metrics.map(\.validation.loss))!)
    }

    static let csvColumns = ["rank", "kind", "n", "backbone", "frames", "arch", "crop", "lr", "seeds", "val_auc_mean", "val_auc_std",
                             "test_auc_mean", "test_auc_std", "test_acc_mean", "test_acc_std", "runs"]

    public func csv() -> String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for (rank, row) in rows.enumerated() {
            let spreads = [row.valAUC, row.testAUC, row.testAccuracy].flatMap { [Leaderboard.number($0.mean), Leaderboard.number($0.std)] }
            let cells = Self.leading(rank: rank, row: row) + [row.seeds.map(String.init).joined(separator: ";")] + spreads
                + [row.runs.joined(separator: ";")]
            lines.append(cells.map(ScoresTable.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func leading(rank: Int, row: Row) -> [String] {
        [String(rank + 1), row.kind, String(row.runs.count), row.backbone, String(row.frames), row.arch, row.crop,
         String(format: "%g", row.learningRate)]
    }

    static let note = "Runs identical except for seed (and fold) grouped: mean ± sample standard deviation (n - 1), ranked by mean validation AUC, then mean validation loss. `cv<K>` rows are K-fold cross-validation, each fold tested once."

    public func markdown() -> String {
        let columns = ["rank", "kind", "n", "backbone", "frames", "arch", "crop", "lr", "seeds", "val_auc", "test_auc", "test_acc", "runs"]
        var lines = ["## Across seeds and folds", "", "| " + columns.joined(separator: " | ") + " |",
                     "|" + String(repeating: "---|", count: columns.count)]
        for (rank, row) in rows.enumerated() {
            let cells = Self.leading(rank: rank, row: row) + [row.seeds.map(String.init).joined(separator: ", "),
                                                              row.valAUC.text, row.testAUC.text, row.testAccuracy.text,
                                                              row.runs.joined(separator: ", ")]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n\n" + Self.note + "\n"
    }

    public func html() -> String {
        let escape = LineChart.escape
        var table = "<tr><th>rank</th><th>kind</th><th>n</th><th>backbone</th><th>frames</th><th>arch</th><th>crop</th><th>lr</th><th>seeds</th><th>val AUC</th><th>test AUC</th><th>test acc</th><th>runs</th></tr>\n"
        for (rank, row) in rows.enumerated() {
            let cells = Self.leading(rank: rank, row: row) + [row.seeds.map(String.init).joined(separator: ", "), row.valAUC.text,
                                                              row.testAUC.text, row.testAccuracy.text, row.runs.joined(separator: ", ")]
            table += "<tr>" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return "<section id=\"aggregate\"><h2>Across seeds and folds</h2>\n<p>\(escape(Self.note))</p>\n<table>\n\(table)</table></section>\n"
    }
}
