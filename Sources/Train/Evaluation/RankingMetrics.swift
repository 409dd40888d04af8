/// Threshold-free metrics beside the ROC AUC that deepfake papers report.
extension Metrics {
    /// Average precision: sum over distinct scores, highest first, of (recall gained) x (precision there), tied
    /// scores entering together (scikit-learn's step-wise definition, no interpolation). NaN without fakes.
    public static func averagePrecision(scores: [Float], labels: [Int]) -> Double {
        let positives = labels.filter { $0 == 1 }.count
        guard positives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0, predicted = 0, k = 0
        var total = 0.0
        while k < order.count {
            let score = scores[order[k]]
            var gained = 0
            while k < order.count && scores[order[k]] == score {
                if labels[order[k]] == 1 { gained += 1 }
                predicted += 1
                k += 1
            }
            truePositives += gained
            total += Double(gained) / Double(positives) * Double(truePositives) / Double(predicted)
        }
        return total
    }

    /// Equal error rate: where the ROC polyline (points joined by straight lines) crosses false-positive
    /// rate = false-negative rate; the value is that common rate. NaN when one class is absent.
    public static func equalErrorRate(scores: [Float], labels: [Int]) -> Double {
        let points = rocCurve(scores: scores, labels: labels)
        guard let first = points.first, !first.falsePositiveRate.isNaN, !first.truePositiveRate.isNaN else { return .nan }
        // g = FPR - FNR rises from -1 at (0, 0) to +1 at (1, 1) along the curve.
        func g(_ p: ROCPoint) -> Double { p.falsePositiveRate - (1 - p.truePositiveRate) }
        for i in points.indices.dropFirst() where g(points[i]) >= 0 {
            let a = points[i - 1], b = points[i]
            let t = -g(a) / (g(b) - g(a))
            return a.falsePositiveRate + t * (b.falsePositiveRate - a.falsePositiveRate)
        }
        return .nan
    }
}
