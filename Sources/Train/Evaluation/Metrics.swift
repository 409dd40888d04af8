#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Binary classification metrics on probabilities of "fake" (label 1).
public enum Metrics {
    /// Fraction of samples whose prediction (probability > threshold means fake; at 0.5 Keras's binary
    /// accuracy) is right.
    public static func accuracy(probabilities: [Float], labels: [Int], threshold: Double = 0.5) -> Double {
        guard !labels.isEmpty else { return .nan }
        let c = confusionMatrix(probabilities: probabilities, labels: labels, threshold: threshold)
        return Double(c.truePositives + c.trueNegatives) / Double(labels.count)
    }

    /// Mean of the true-positive and true-negative rates (probability > threshold means fake), so a detector
    /// that calls everything fake on a 1:9 dataset scores 0.5, not 0.9. NaN when one class is absent.
    public static func balancedAccuracy(probabilities: [Float], labels: [Int], threshold: Double = 0.5) -> Double {
        let c = confusionMatrix(probabilities: probabilities, labels: labels, threshold: threshold)
        let fakes = c.truePositives + c.falseNegatives, reals = c.trueNegatives + c.falsePositives
        guard fakes > 0, reals > 0 else { return .nan }
        return (Double(c.truePositives) / Double(fakes) + Double(c.trueNegatives) / Double(reals)) / 2
    }

    /// Mean binary cross-entropy of probabilities clipped to [1e-7, 1 - 1e-7] (Keras's epsilon).
    public static func logLoss(probabilities: [Float], labels: [Int]) -> Double {
        guard !labels.isEmpty else { return .nan }
        let eps = 1e-7
        var total = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = min(max(Double(p), eps), 1 - eps)
            total -= y == 1 ? log(q) : log(1 - q)
        }
        return total / Double(labels.count)
    }

    /// Area under the ROC curve = P(score of a random fake > score of a random real), ties counting one half
    /// (Mann-Whitney U with mid-ranks). NaN when one class is absent.
    public static func rocAUC(scores: [Float], labels: [Int]) -> Double {
        let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let midRank = Double(start + end) / 2 + 1  // ranks are 1-based; tied scores share the mean rank
            for k in start...end where labels[order[k]] == 1 { positiveRankSum += midRank }
            start = end + 1
        }
        let u = positiveRankSum - Double(positives * (positives + 1)) / 2
        return u / Double(positives * negatives)
    }

    /// Counts at a threshold (probability > threshold predicts fake).
    public struct ConfusionMatrix: Sendable, Equatable {
        public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0
        public init(truePositives: Int = 0, falsePositives: Int = 0, trueNegatives: Int = 0, falseNegatives: Int = 0) {
            self.truePositives = truePositives
            self.falsePositives = falsePositives
            self.trueNegatives = trueNegatives
            self.falseNegatives = falseNegatives
        }
    }

    public static func confusionMatrix(probabilities: [Float], labels: [Int], threshold: Double = 0.5) -> ConfusionMatrix {
        var c = ConfusionMatrix()
        for (p, y) in zip(probabilities, labels) {
            switch (Double(p) > threshold, y == 1) {
            case (true, true): c.truePositives += 1
            case (true, false): c.falsePositives += 1
            case (false, false): c.trueNegatives += 1
            case (false, true): c.falseNegatives += 1
            }
        }
        return c
    }

    /// One ROC point per distinct score, highest threshold first, starting at (0, 0): predicting fake
    /// when score >= threshold gives (falsePositiveRate, truePositiveRate).
    public struct ROCPoint: Sendable, Equatable {
        public let threshold: Float
        public let falsePositiveRate: Double
        public let truePositiveRate: Double
    }

    public static func rocCurve(scores: [Float], labels: [Int]) -> [ROCPoint] {
        let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points = [ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        var tp = 0, fp = 0, k = 0
        while k < order.count {
            let threshold = scores[order[k]]
            while k < order.count && scores[order[k]] == threshold {
                if labels[order[k]] == 1 { tp += 1 } else { fp += 1 }
                k += 1
            }
            points.append(ROCPoint(threshold: threshold,
                                   falsePositiveRate: negatives > 0 ? Double(fp) / Double(negatives) : .nan,
                                   truePositiveRate: positives > 0 ? Double(tp) / Double(positives) : .nan))
        }
        return points
    }
}
