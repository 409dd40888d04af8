import Foundation
import Shared

/// Rebuilds `results/<DATA>/leaderboard.csv`, `leaderboard.md` and `report.html` from every run folder's
/// metrics.json, so the leaderboard is always exactly what is on disk.
public enum ResultsReport {
    @discardableResult
    public static func update(dataset: String, resultsDirectory: URL) throws -> Leaderboard {
        let root = RunFolder.datasetResults(resultsDirectory, dataset: dataset)
        var rows: [LeaderboardRow] = []
        var runs: [String: RunMetrics] = [:]
        var curves: [(architecture: String, run: ArchitectureCurves.Run)] = []
        let fm = FileManager.default
        for stem in (try? fm.contentsOfDirectory(atPath: root.path))?.sorted() ?? [] {
            for run in (try? fm.contentsOfDirectory(atPath: root.appendingPathComponent(stem).path))?.sorted() ?? []
            where !run.hasSuffix(".partial") {
                let folder = root.appendingPathComponent(stem).appendingPathComponent(run)
                guard let metrics = try? RunFolder.readMetrics(folder) else { continue }
                var row = metrics.leaderboardRow
                row.runDirectory = "\(stem)/\(run)"
                rows.append(row)
                runs[row.runDirectory] = metrics
                // A run whose history.csv is unreadable is left out of the overlay only.
                if let history = try? RunHistory.read(folder.appendingPathComponent("history.csv")) {
                    let label = ArchitectureCurves.label(metrics, runDirectory: row.runDirectory)
                    curves.append((metrics.request.architecture, .init(runDirectory: row.runDirectory, label: label, history: history)))
                }
            }
        }
        let board = Leaderboard(rows: rows)
        let crossDataset = CrossDatasetTable(root: root, board: board)
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let figures = try ArchitectureCurves.write(curves, to: root)
        try board.csv().write(to: root.appendingPathComponent("leaderboard.csv"), atomically: true, encoding: .utf8)
        let aggregate = SeedAggregate(runs: runs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        try aggregate.csv().write(to: root.appendingPathComponent(SeedAggregate.fileName), atomically: true, encoding: .utf8)
        try ("# \(dataset) leaderboard\n\n" + board.markdown() + crossDataset.markdown(home: dataset) + "\n" + aggregate.markdown())
            .write(to: root.appendingPathComponent("leaderboard.md"), atomically: true, encoding: .utf8)
        try html(dataset: dataset, board: board, runs: runs, figures: figures,
                 crossDataset: crossDataset.html(home: dataset), aggregate: aggregate.html())
            .write(to: root.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        return board
    }

    /// Refuses a dataset without a finished run, naming the datasets that have some (a typo must not
    /// print an empty leaderboard and create a folder for it).
    public static func requireRuns(dataset: String, resultsDirectory: URL) throws {
        let fm = FileManager.default
        func hasRuns(_ name: String) -> Bool {
            let root = RunFolder.datasetResults(resultsDirectory, dataset: name)
            return ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).contains { stem in
                ((try? fm.contentsOfDirectory(atPath: root.appendingPathComponent(stem).path)) ?? []).contains {
                    fm.fileExists(atPath: root.appendingPathComponent(stem).appendingPathComponent($0).appendingPathComponent("metrics.json").path)
                }
            }
        }
        guard !hasRuns(dataset) else { return }
        let others = ((try? fm.contentsOfDirectory(atPath: resultsDirectory.path)) ?? []).sorted().filter(hasRuns)
        throw PipelineError("no trained runs for dataset '\(dataset)' under \(resultsDirectory.path)/: "
            + (others.isEmpty ? "train one first (make train DATA=\(dataset))" : "datasets with runs: \(others.joined(separator: ", "))"))
    }

    static func html(dataset: String, board: Leaderboard, runs: [String: RunMetrics] = [:],
                     figures: [ArchitectureCurves.Figure] = [], crossDataset: String = "", aggregate: String = "") -> String {
        let best = board.bestPerArch
        var table = "<tr><th>rank</th><th>run</th><th>backbone</th><th>frames</th><th>arch</th><th>crop</th><th>sampling</th><th>seed</th><th>lr</th><th>epochs</th><th>train s</th><th>val AUC</th><th>val acc</th><th>test AUC [95% CI]</th><th>test acc [95% CI]</th></tr>\n"
        for (rank, row) in board.rows.enumerated() {
            let mark = rank == 0 ? " class=\"best\"" : (best.contains(row.runDirectory) ? " class=\"arch-best\"" : "")
            table += "<tr\(mark)><td>\(rank + 1)</td><td><a href=\"#\(anchor(row.runDirectory))\">\(escape(row.runDirectory))</a></td><td>\(escape(row.backbone))</td><td>\(row.frames)</td><td>\(escape(row.arch))</td><td>\(escape(row.crop ?? ""))</td><td>\(escape(row.sampling ?? ""))</td><td>\(row.seed)</td><td>\(String(format: "%g", row.learningRate))</td><td>\(row.epochs)</td><td>\(String(format: "%.2f", row.trainSeconds))</td><td>\(String(format: "%.3f", row.valAUC))</td><td>\(String(format: "%.3f", row.valAccuracy))</td><td>\(Leaderboard.withInterval(row.testAUC, row.testAUCInterval))</td><td>\(Leaderboard.withInterval(row.testAccuracy, row.testAccuracyInterval))</td></tr>\n"
        }
        let sections = board.rows.map { RunSection.html(row: $0, metrics: runs[$0.runDirectory]) }.joined()
        return """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(escape(dataset)) results</title>
        <style>
        body { font-family: sans-serif; margin: 2em; } table { border-collapse: collapse; }
        td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; } th { background: #f3f3f3; }
        tr.best { background: #d9f2d9; font-weight: bold; } tr.arch-best { background: #eef8ee; }
        img { max-width: 100%; } section { margin-top: 2em; }
        div.facts { display: flex; gap: 2em; align-items: flex-start; margin-bottom: 1em; }
        table.settings th, table.settings td { text-align: left; } table.confusion caption { font-size: 90%; }
        </style></head><body>
        <h1>\(escape(dataset)): \(board.rows.count) trained heads</h1>
        <p>Ranked by validation AUC (then validation loss); the test columns are for reading, never for choosing.
        Green: the best run overall; light green: the best of each architecture. Test intervals: 95% stratified
        bootstrap (2000 resamples, percentile method).</p>
        <table>
        \(table)</table>
        \(crossDataset)\(aggregate)
        \(ArchitectureCurves.html(figures))
        \(sections)</body></html>

        """
    }

    static func anchor(_ text: String) -> String { text.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() }
    static func escape(_ text: String) -> String { LineChart.escape(text) }
}
