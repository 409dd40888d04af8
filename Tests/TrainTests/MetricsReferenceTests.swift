import Foundation
import Testing
@testable import Train

/// The evaluation metrics against scikit-learn (AUC, average precision, log loss, accuracy, balanced
/// accuracy) and against numpy written from the definitions (EER, the validation threshold by brute force,
/// DeLong's variance and paired test by direct pairwise comparison), on fixed score vectors with ties:
/// Fixtures/metrics_reference.json, written by scripts/reference/metrics_reference.py.
@Suite struct MetricsReferenceTests {
    struct Case: Decodable {
        let name: String, labels: [Int], scores: [Float]
        let auc, average_precision, log_loss, eer, accuracy_05, balanced_accuracy_05: Double
        let val_threshold, accuracy_at_threshold, balanced_accuracy_at_threshold, delong_variance: Double
    }
    struct Paired: Decodable {
        let name: String, labels: [Int], scores_a: [Float], scores_b: [Float]
        let auc_a, auc_b, variance_a, variance_b, covariance, z, p_value: Double
    }
    struct Fixture: Decodable { let cases: [Case], paired: [Paired] }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/metrics_reference.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// The scores are exact in float32, so only summation order separates the two: 1e-12 absolute.
    static let tolerance = 1e-12

    private func close(_ a: Double, _ b: Double, _ tolerance: Double = tolerance) -> Bool { abs(a - b) <= tolerance }

    @Test(arguments: fixture.cases.map(\.name)) func metricsMatchScikitLearn(_ name: String) throws {
        let c = try #require(Self.fixture.cases.first { $0.name == name })
        #expect(close(Metrics.rocAUC(scores: c.scores, labels: c.labels), c.auc))
        #expect(close(Metrics.averagePrecision(scores: c.scores, labels: c.labels), c.average_precision))
        // Clipping at 1e-7 never applies (scores lie in [1/256, 255/256]); float32 logs: 1e-6.
        #expect(close(Metrics.logLoss(probabilities: c.scores, labels: c.labels), c.log_loss, 1e-6))
        #expect(close(Metrics.equalErrorRate(scores: c.scores, labels: c.labels), c.eer))
        #expect(close(Metrics.accuracy(probabilities: c.scores, labels: c.labels), c.accuracy_05))
        #expect(close(Metrics.balancedAccuracy(probabilities: c.scores, labels: c.labels), c.balanced_accuracy_05))
        let threshold = Metrics.balancedAccuracyThreshold(probabilities: c.scores, labels: c.labels)
        #expect(close(threshold, c.val_threshold), "threshold \(threshold), reference \(c.val_threshold)")
        #expect(close(Metrics.accuracy(probabilities: c.scores, labels: c.labels, threshold: threshold), c.accuracy_at_threshold))
        #expect(close(Metrics.balancedAccuracy(probabilities: c.scores, labels: c.labels, threshold: threshold),
                      c.balanced_accuracy_at_threshold))
        // Sun & Xu's midranks against the direct pairwise sums.
        let variance = try #require(DeLong.variance(scores: c.scores, labels: c.labels))
        #expect(close(variance, c.delong_variance, 1e-15 + 1e-10 * c.delong_variance))
    }

    /// The loss training reports comes from logits (SigmoidCrossEntropy), not from clipped probabilities.
    @Test func theLogitLossMatchesScikitLearnsLogLoss() throws {
        for c in Self.fixture.cases {
            let logits = c.scores.map { Float(log(Double($0) / (1 - Double($0)))) }
            let loss = SigmoidCrossEntropy.forward(logits: logits, labels: c.labels.map(Float.init),
                                                   weights: [Float](repeating: 1, count: logits.count))
            #expect(close(loss, c.log_loss, 1e-5), "\(c.name): \(loss) vs \(c.log_loss)")
        }
    }

    @Test(arguments: fixture.paired.map(\.name)) func pairedDeLongMatchesTheReference(_ name: String) throws {
        let p = try #require(Self.fixture.paired.first { $0.name == name })
        let test = try #require(DeLong.pairedTest(scoresA: p.scores_a, scoresB: p.scores_b, labels: p.labels))
        #expect(close(test.aucA, p.auc_a) && close(test.aucB, p.auc_b))
        #expect(close(test.varianceA, p.variance_a) && close(test.varianceB, p.variance_b) && close(test.covariance, p.covariance))
        #expect(close(test.z, p.z, 1e-9) && close(test.pValue, p.p_value, 1e-12 + 1e-9 * p.p_value), "z \(test.z) p \(test.pValue)")
    }

    @Test func thresholdTiesGoToTheCandidateNearestHalfThenTheLower() {
        // 0.25 and 0.75 both give balanced accuracy 0.75 and lie 0.25 from 0.5 (exactly, in binary): the lower wins.
        #expect(Metrics.balancedAccuracyThreshold(probabilities: [0.125, 0.375, 0.625, 0.875], labels: [0, 1, 0, 1]) == 0.25)
        // Every threshold in (0.2, 0.8) separates perfectly; 0.5 is one of them.
        #expect(Metrics.balancedAccuracyThreshold(probabilities: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1]) == 0.5)
        #expect(abs(Metrics.balancedAccuracyThreshold(probabilities: [0.6, 0.7, 0.8, 0.9], labels: [0, 0, 1, 1]) - 0.75) < 1e-6)
        #expect(Metrics.balancedAccuracyThreshold(probabilities: [0.6, 0.7], labels: [1, 1]) == 0.5)
    }
}
