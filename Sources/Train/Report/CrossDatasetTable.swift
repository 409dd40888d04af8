import Foundation

/// The report's cross-dataset table: one row per run, its home test AUC, then its AUC on every dataset any
/// run was evaluated on (`train evaluate`, read from `<run>/eval/<DATA>/metrics.json`).
struct CrossDatasetTable: Equatable {
    struct Row: Equatable {
        var run: String
        var homeAUC: Double
        var homeInterval: BootstrapInterval?
        /// dataset -> its evaluation.
        var evaluations: [String: EvaluationMetrics]
    }

    var rows: [Row]
    /// Every evaluated dataset, sorted.
    var datasets: [String]

    /// Reads the eval folders of `board`'s runs under `root` (results/<DATA>/); unreadable ones are skipped,
    /// as the leaderboard skips unreadable runs.
    init(root: URL, board: Leaderboard) {
        let fm = FileManager.default
        rows = board.rows.map { row in
            let eval = root.appendingPathComponent(row.runDirectory).appendingPathComponent("eval", isDirectory: true)
            var evaluations: [String: EvaluationMetrics] = [:]
            for name in (try? fm.contentsOfDirectory(atPath: eval.path)) ?? [] where !name.hasSuffix(".partial") {
                let file = eval.appendingPathComponent(name).appendingPathComponent("metrics.json")
                if let metrics = try? EvaluationMetrics.read(file), metrics.dataset == name { evaluations[name] = metrics }
            }
            return Row(run: row.runDirectory, homeAUC: row.testAUC, homeInterval: row.testAUCInterval, evaluations: evaluations)
        }
        datasets = Set(rows.flatMap { $0.evaluations.keys }).sorted()
    }

    var isEmpty: Bool { datasets.isEmpty }

    /// "0.912 [0.850, 0.960] (all, 40)": AUC, its 95% interval, the split and the number of videos; "-" when not evaluated.
    static func cell(_ metrics: EvaluationMetrics?) -> String {
        guard let metrics else { return "-" }
        return Leaderboard.withInterval(metrics.metrics.auc, metrics.metrics.aucInterval)
            + " (\(metrics.split.rawValue), \(metrics.metrics.videos))"
    }

    private func cells(_ row: Row) -> [String] {
        [row.run, Leaderboard.withInterval(row.homeAUC, row.homeInterval)] + datasets.map { Self.cell(row.evaluations[$0]) }
    }

    private func header(home: String) -> [String] { ["run", "\(home) test AUC [95% CI]"] + datasets.map { "\($0) AUC [95% CI]" } }

    static let note = "Each head's AUC on other datasets' caches made with the same backbone, frames and crop (`make evaluate`), standardized with its own training statistics; in brackets the split scored (all videos, or that dataset's test split) and the number of videos. Intervals: 95% stratified bootstrap."

    /// An HTML section, or "" when no run was evaluated on another dataset.
    func html(home: String) -> String {
        guard !isEmpty else { return "" }
        func tr(_ tag: String, _ cells: [String]) -> String {
            "<tr>" + cells.map { "<\(tag)>\(ResultsReport.escape($0))</\(tag)>" }.joined() + "</tr>\n"
        }
        return "<h2 id=\"cross-dataset\">Cross-dataset evaluation</h2>\n<p>\(ResultsReport.escape(Self.note))</p>\n<table>\n"
            + tr("th", header(home: home)) + rows.map { tr("td", cells($0)) }.joined() + "</table>\n"
    }

    /// A markdown section for leaderboard.md, or "" when no run was evaluated on another dataset.
    func markdown(home: String) -> String {
        guard !isEmpty else { return "" }
        let head = header(home: home)
        var lines = ["", "## Cross-dataset evaluation", "", "| " + head.joined(separator: " | ") + " |",
                     "|" + String(repeating: "---|", count: head.count)]
        lines += rows.map { "| " + cells($0).joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n\n" + Self.note + "\n"
    }
}
