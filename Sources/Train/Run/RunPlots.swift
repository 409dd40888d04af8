/// The two pictures of a run: learning curves (loss and accuracy, train vs val) and the test ROC curve.
enum RunPlots {
    static let trainColor = "#1f77b4"
    static let validationColor = "#d62728"

    static func learningCurves(_ history: [EpochRecord], title: String) -> String {
        func series(_ name: String, _ color: String, dashed: Bool, _ value: (EpochRecord) -> Double) -> LineChart.Series {
            .init(name: name, points: history.map { (Double($0.epoch + 1), value($0)) }, color: color, dashed: dashed)
        }
        let loss = LineChart(title: "\(title): loss", xLabel: "epoch", yLabel: "binary cross-entropy", series: [
            series("train", trainColor, dashed: false) { $0.trainLoss },
            series("val", validationColor, dashed: false) { $0.validationLoss },
        ])
        let accuracy = LineChart(title: "\(title): accuracy and AUC", xLabel: "epoch", yLabel: "score", series: [
            series("train acc", trainColor, dashed: false) { $0.trainAccuracy },
            series("val acc", validationColor, dashed: false) { $0.validationAccuracy },
            series("val AUC", validationColor, dashed: true) { $0.validationAUC },
        ], yRange: 0...1)
        // Two charts side by side in one SVG file.
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(loss.width + accuracy.width))" height="\(Int(loss.height))">
        <g>\(loss.svg())</g><g transform="translate(\(Int(loss.width)) 0)">\(accuracy.svg())</g>
        </svg>

        """
    }

    static func roc(_ points: [Metrics.ROCPoint], auc: Double, title: String) -> String {
        LineChart(title: title, xLabel: "false positive rate (real called fake)", yLabel: "true positive rate (fake caught)",
                  series: [
                      .init(name: String(format: "AUC %.3f", auc), points: points.map { ($0.falsePositiveRate, $0.truePositiveRate) },
                            color: validationColor),
                      .init(name: "chance", points: [(0, 0), (1, 1)], color: "#999", dashed: true),
                  ], xRange: 0...1, yRange: 0...1).svg()
    }
}
