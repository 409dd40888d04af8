import Testing
@testable import Train

@Suite struct MetricsTests {
    /// Scores with ties across classes. Pairs (fake, real) counted by hand, ties as 1/2:
    /// fakes 0.9, 0.7, 0.5, 0.5; reals 0.7, 0.5, 0.3.
    /// 0.9 beats all 3 reals: 3. 0.7 beats 0.5, 0.3 and ties 0.7: 2.5. each 0.5 beats 0.3, ties 0.5: 1.5 (x2).
    /// AUC = (3 + 2.5 + 1.5 + 1.5) / (4 * 3) = 8.5 / 12.
    static let scores: [Float] = [0.9, 0.7, 0.5, 0.5, 0.7, 0.5, 0.3]
    static let labels = [1, 1, 1, 1, 0, 0, 0]

    @Test func aucWithTies() {
        #expect(abs(Metrics.rocAUC(scores: Self.scores, labels: Self.labels) - 8.5 / 12) < 1e-12)
        #expect(Metrics.rocAUC(scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1]) == 1)
        #expect(Metrics.rocAUC(scores: [0.1, 0.2, 0.8, 0.9], labels: [1, 1, 0, 0]) == 0)
        #expect(Metrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.5], labels: [1, 0, 1, 0]) == 0.5)
        #expect(Metrics.rocAUC(scores: [0.5, 0.6], labels: [1, 1]).isNaN)
    }

    @Test func rocCurveGroupsTiesAndItsAreaIsTheAUC() {
        let curve = Metrics.rocCurve(scores: Self.scores, labels: Self.labels)
        let points = curve.map { [$0.falsePositiveRate, $0.truePositiveRate] }
        // Thresholds inf, 0.9, 0.7, 0.5, 0.3.
        #expect(points == [[0, 0], [0, 0.25], [1.0 / 3, 0.5], [2.0 / 3, 1], [1, 1]])
        var area = 0.0
        for i in 1..<curve.count {
            area += (points[i][0] - points[i - 1][0]) * (points[i][1] + points[i - 1][1]) / 2
        }
        #expect(abs(area - 8.5 / 12) < 1e-12)
    }

    @Test func confusionAccuracyAndLogLoss() {
        let p: [Float] = [0.9, 0.4, 0.6, 0.2, 0.5]
        let y = [1, 1, 0, 0, 1]
        #expect(Metrics.confusionMatrix(probabilities: p, labels: y)
            == Metrics.ConfusionMatrix(truePositives: 1, falsePositives: 1, trueNegatives: 1, falseNegatives: 2))
        #expect(Metrics.accuracy(probabilities: p, labels: y) == 0.4)
        let expected = -(log(0.9) + log(0.4) + log(0.4) + log(0.8) + log(0.5)) / 5
        #expect(abs(Metrics.logLoss(probabilities: p, labels: y) - expected) < 1e-6)
        #expect(Metrics.logLoss(probabilities: [0], labels: [1]).isFinite)
    }
}

#if canImport(Glibc)
import Glibc
#endif
