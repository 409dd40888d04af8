import Foundation

/// One SVG per architecture, `curves_<arch>.svg` next to report.html, overlaying the validation loss and
/// validation AUC of every run of that architecture (backbones, frame counts, seeds, learning rates), so
/// their spread and where they stop improving read at a glance.
enum ArchitectureCurves {
    struct Run: Sendable {
        var runDirectory: String
        var label: String
        var history: RunHistory
    }

    struct Figure: Sendable, Equatable {
        var architecture: String
        var fileName: String
        var runs: Int
    }

    /// Ten distinct colours, then the same ten dashed.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf"]

    static func fileName(_ architecture: String) -> String { "curves_\(ResultsReport.anchor(architecture)).svg" }

    /// The runs' label in a legend: what tells runs of one architecture apart.
    static func label(_ metrics: RunMetrics, runDirectory: String) -> String {
        let folder = runDirectory.split(separator: "/").last.map(String.init) ?? runDirectory
        let suffix = folder == metrics.request.architecture.replacingOccurrences(of: "/", with: "_") ? "" : " (\(folder))"
        return "\(metrics.request.cacheStem) seed \(metrics.request.seed) lr \(LineChart.label(metrics.request.learningRate))\(suffix)"
    }

    static func charts(architecture: String, runs: [Run]) -> (loss: LineChart, auc: LineChart) {
        func series(_ value: @escaping (RunHistory.Row) -> Double) -> [LineChart.Series] {
            runs.enumerated().map { index, run in
                .init(name: run.label, points: run.history.rows.map { (Double($0.epoch), value($0)) },
                      color: palette[index % palette.count], dashed: index >= palette.count)
            }
        }
        var loss = LineChart(title: "\(architecture): validation loss", xLabel: "epoch", yLabel: "binary cross-entropy",
                             series: series(\.validationLoss), yLimits: 0...Double.greatestFiniteMagnitude)
        var auc = LineChart(title: "\(architecture): validation AUC", xLabel: "epoch", yLabel: "AUC",
                            series: series(\.validationAUC), yLimits: 0...1)
        // Room for a legend row per few runs.
        let height = 320 + 15 * Double(max(0, Set(auc.legendLayout().map(\.y)).count - 2))
        loss.height = height
        auc.height = height
        return (loss, auc)
    }

    static func svg(architecture: String, runs: [Run]) -> String {
        let (loss, auc) = charts(architecture: architecture, runs: runs)
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(loss.width + auc.width))" height="\(Int(loss.height))">
        <g>\(loss.svg())</g><g transform="translate(\(Int(loss.width)) 0)">\(auc.svg())</g>
        </svg>

        """
    }

    /// Writes one figure per architecture into `root`, removing figures of architectures that have no runs
    /// any more; returns what it wrote, by architecture.
    static func write(_ runs: [(architecture: String, run: Run)], to root: URL) throws -> [Figure] {
        var byArchitecture: [String: [Run]] = [:]
        for entry in runs { byArchitecture[entry.architecture, default: []].append(entry.run) }
        let fm = FileManager.default
        let figures = byArchitecture.keys.sorted().map { Figure(architecture: $0, fileName: fileName($0), runs: byArchitecture[$0]!.count) }
        let kept = Set(figures.map(\.fileName))
        for stale in (try? fm.contentsOfDirectory(atPath: root.path)) ?? []
        where stale.hasPrefix("curves_") && stale.hasSuffix(".svg") && !kept.contains(stale) {
            try? fm.removeItem(at: root.appendingPathComponent(stale))
        }
        for figure in figures {
            let sorted = byArchitecture[figure.architecture]!.sorted { $0.runDirectory < $1.runDirectory }
            try svg(architecture: figure.architecture, runs: sorted)
                .write(to: root.appendingPathComponent(figure.fileName), atomically: true, encoding: .utf8)
        }
        return figures
    }

    /// Links to the per-architecture overlays, one figure each.
    static func html(_ figures: [ArchitectureCurves.Figure]) -> String {
        guard !figures.isEmpty else { return "" }
        let links = figures.map { "<a href=\"#curves-\(ResultsReport.anchor($0.architecture))\">\(ResultsReport.escape($0.architecture))</a> (\($0.runs))" }
        var html = "<h2>Validation curves by architecture</h2>\n<p>Every run of an architecture on one chart: \(links.joined(separator: ", ")).</p>\n"
        for figure in figures {
            html += "<figure id=\"curves-\(ResultsReport.anchor(figure.architecture))\"><img src=\"\(ResultsReport.escape(figure.fileName))\" alt=\"validation curves of \(ResultsReport.escape(figure.architecture))\"></figure>\n"
        }
        return html
    }
}
