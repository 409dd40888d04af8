import Foundation
import Testing
@testable import Train

/// The stratified bootstrap interval checked against what it must agree with, not against itself: it holds
/// the point estimate, narrows as 1/sqrt(n) when the data are replicated, and on a large sample matches the
/// normal interval from DeLong's variance (DeLong itself is checked against numpy in MetricsReferenceTests).
@Suite struct BootstrapIntervalTests {
    private static let auc: @Sendable ([Float], [Int]) -> Double = { Metrics.rocAUC(scores: $0, labels: $1) }
    private static let accuracy: @Sendable ([Float], [Int]) -> Double = { Metrics.accuracy(probabilities: $0, labels: $1) }

    @Test func theIntervalHoldsThePointEstimateAndIsReproducible() throws {
        for c in MetricsReferenceTests.fixture.cases where c.name != "all_tied" && c.name != "separable" {
            for metric in [Self.auc, Self.accuracy] {
                let estimate = metric(c.scores, c.labels)
                let interval = try #require(BootstrapInterval.compute(scores: c.scores, labels: c.labels, seed: 42, metric: metric))
                #expect(interval.lower < estimate && estimate < interval.upper, "\(c.name): \(estimate) outside \(interval)")
                #expect(BootstrapInterval.compute(scores: c.scores, labels: c.labels, seed: 42, metric: metric) == interval)
                if c.name == "large_fine_ties" {   // small samples' metrics are coarse enough for seeds to agree
                    #expect(BootstrapInterval.compute(scores: c.scores, labels: c.labels, seed: 43, metric: metric) != interval)
                }
            }
        }
    }

    /// Four copies of every video: the same distribution, four times the sample, half the width (±20%).
    @Test func replicatingTheDataHalvesTheWidth() throws {
        let c = try #require(MetricsReferenceTests.fixture.cases.first { $0.name == "large_fine_ties" })
        let scores4 = Array([[Float]](repeating: c.scores, count: 4).joined()), labels4 = Array([[Int]](repeating: c.labels, count: 4).joined())
        for metric in [Self.auc, Self.accuracy] {
            let one = try #require(BootstrapInterval.compute(scores: c.scores, labels: c.labels, seed: 1, metric: metric))
            let four = try #require(BootstrapInterval.compute(scores: scores4, labels: labels4, seed: 1, metric: metric))
            let ratio = (four.upper - four.lower) / (one.upper - one.lower)
            #expect(abs(ratio - 0.5) < 0.1, "width ratio \(ratio)")
        }
    }

    /// 1,500 fakes and 1,000 reals from two normals: the percentile interval's width matches
    /// 2 x 1.96 x DeLong's standard error within 10% (the bootstrap's own Monte Carlo error is a few percent).
    @Test func onALargeSampleTheAUCIntervalMatchesDeLong() throws {
        var random = SeededRandom(seed: 11)
        let labels = (0..<2500).map { $0 < 1500 ? 1 : 0 }
        let scores = labels.map { Float(random.nextGaussian() + ($0 == 1 ? 1.0 : 0)) }
        let interval = try #require(BootstrapInterval.compute(scores: scores, labels: labels, seed: 5, metric: Self.auc))
        let standardError = try #require(DeLong.variance(scores: scores, labels: labels)).squareRoot()
        let ratio = (interval.upper - interval.lower) / (2 * 1.959964 * standardError)
        #expect(abs(ratio - 1) < 0.1, "bootstrap width / normal width = \(ratio)")
        let estimate = Metrics.rocAUC(scores: scores, labels: labels)
        #expect(abs((interval.lower + interval.upper) / 2 - estimate) < 0.5 * standardError)
    }

    @Test func percentilesInterpolateAsNumpyDoes() {
        // numpy.percentile([1, 2, 3, 4], [2.5, 97.5]) == [1.075, 3.925]
        #expect(abs(BootstrapInterval.percentile([1, 2, 3, 4], 0.025) - 1.075) < 1e-12)
        #expect(abs(BootstrapInterval.percentile([1, 2, 3, 4], 0.975) - 3.925) < 1e-12)
    }

    @Test func aMissingClassGivesNoInterval() {
        #expect(BootstrapInterval.compute(scores: [0.1, 0.2], labels: [1, 1], seed: 0, metric: Self.auc) == nil)
    }
}
