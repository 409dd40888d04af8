/// The two pictures of a run: learning curves (loss and accuracy, train vs val, the kept epoch marked) and
/// the test ROC curve with the operating points of the validation threshold and of 0.5.
enum RunPlots {
    static let trainColor = "#1f77b4"
    static let validationColor = "#d62728"
    static let markerColor = "#2ca02c"
    static let halfColor = "#7f7f7f"

    static func learningCurves(_ history: [EpochRecord], bestEpoch: Int, title: String) -> String {
        let loss = lossChart(history, bestEpoch: bestEpoch, title: title)
        let accuracy = accuracyChart(history, bestEpoch: bestEpoch, title: title)
        // Two charts side by side in one SVG file.
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(loss.width + accuracy.width))" height="\(Int(loss.height))">
        <g>\(loss.svg())</g><g transform="translate(\(Int(loss.width)) 0)">\(accuracy.svg())</g>
        </svg>

        """
    }

    /// `bestEpoch` is 1-based, as metrics.json's `best_epoch`.
    static func lossChart(_ history: [EpochRecord], bestEpoch: Int, title: String) -> LineChart {
        var chart = LineChart(title: "\(title): loss", xLabel: "epoch", yLabel: "binary cross-entropy", series: [
            series(history, "train", trainColor) { $0.trainLoss },
            series(history, "val", validationColor) { $0.validationLoss },
        ], yLimits: 0...Double.greatestFiniteMagnitude)
        chart.markers = [bestMarker(bestEpoch)]
        return chart
    }

    static func accuracyChart(_ history: [EpochRecord], bestEpoch: Int, title: String) -> LineChart {
        var chart = LineChart(title: "\(title): accuracy and AUC", xLabel: "epoch", yLabel: "score", series: [
            series(history, "train acc", trainColor) { $0.trainAccuracy },
            series(history, "val acc", validationColor) { $0.validationAccuracy },
            series(history, "val AUC", validationColor, dashed: true) { $0.validationAUC },
        ], yLimits: 0...1)
        chart.markers = [bestMarker(bestEpoch)]
        return chart
    }

    private static func series(_ history: [EpochRecord], _ name: String, _ color: String, dashed: Bool = false,
                               _ value: (EpochRecord) -> Double) -> LineChart.Series {
        .init(name: name, points: history.map { (Double($0.epoch + 1), value($0)) }, color: color, dashed: dashed)
    }

    private static func bestMarker(_ bestEpoch: Int) -> LineChart.Marker {
        .init(.verticalLine, x: Double(bestEpoch), label: "best epoch \(bestEpoch) (kept)", color: markerColor, role: "best-epoch")
    }

    static func roc(_ points: [Metrics.ROCPoint], metrics: RunMetrics, title: String) -> String {
        rocChart(points, auc: metrics.test.auc, chosen: metrics.testConfusionAtValThreshold, half: metrics.testConfusion,
                 title: title).svg()
    }

    /// A little past 0 and 1, so a curve along an edge stays clear of the border.
    static let rocRange = -0.02...1.02

    /// `chosen` and `half`: the test counts at the validation threshold and at 0.5, drawn as their points.
    static func rocChart(_ points: [Metrics.ROCPoint], auc: Double, chosen: RunMetrics.Confusion?, half: RunMetrics.Confusion?,
                         title: String) -> LineChart {
        var chart = LineChart(title: title, xLabel: "false positive rate (real called fake)", yLabel: "true positive rate (fake caught)",
                              series: [
                                  .init(name: String(format: "AUC %.3f", auc),
                                        points: points.map { ($0.falsePositiveRate, $0.truePositiveRate) }, color: validationColor),
                                  .init(name: "chance", points: [(0, 0), (1, 1)], color: "#999", dashed: true),
                              ], xRange: rocRange, yRange: rocRange)
        let chosenRates = chosen?.rates, halfRates = half?.rates
        // Two thresholds that call the same videos share a point: one label says so.
        let shared = chosenRates != nil && chosenRates?.falsePositive == halfRates?.falsePositive
            && chosenRates?.truePositive == halfRates?.truePositive
        if let halfRates {
            chart.markers.append(.init(.dot, x: halfRates.falsePositive, y: halfRates.truePositive,
                                       label: shared ? "" : "threshold 0.5", color: halfColor, role: "half-threshold"))
        }
        if let chosen, let rates = chosenRates {
            chart.markers.append(.init(.dot, x: rates.falsePositive, y: rates.truePositive,
                                       label: String(format: "val threshold %.3g", chosen.threshold) + (shared ? " (same point as 0.5)" : ""),
                                       color: markerColor, role: "val-threshold"))
        }
        return chart
    }
}
