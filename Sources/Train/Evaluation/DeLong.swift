#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DeLong's nonparametric variance of ROC AUCs (DeLong, DeLong & Clarke-Pearson 1988), computed with the
/// midrank algorithm of Sun & Xu (2014): O(n log n) instead of comparing every fake with every real.
public enum DeLong {
    /// Per fake the fraction of reals it outscores (V10), per real the fraction of fakes that outscore it
    /// (V01), ties counting one half; their means are the AUC.
    public struct Components: Sendable, Equatable {
        public let fakes: [Double]
        public let reals: [Double]
        public var auc: Double { fakes.reduce(0, +) / Double(fakes.count) }
    }

    /// Nil when a class has fewer than two videos (no sample variance).
    public static func components(scores: [Float], labels: [Int]) -> Components? {
        let fake = scores.indices.filter { labels[$0] == 1 }.map { Double(scores[$0]) }
        let real = scores.indices.filter { labels[$0] != 1 }.map { Double(scores[$0]) }
        let m = fake.count, n = real.count
        guard m >= 2, n >= 2 else { return nil }
        let all = midranks(fake + real), withinFake = midranks(fake), withinReal = midranks(real)
        // A fake's rank among all minus its rank among fakes counts the reals below it (ties one half).
        return Components(fakes: (0..<m).map { (all[$0] - withinFake[$0]) / Double(n) },
                          reals: (0..<n).map { 1 - (all[m + $0] - withinReal[$0]) / Double(m) })
    }

    /// 1-based ranks, tied values sharing the mean of their ranks.
    static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            for k in start...end { ranks[order[k]] = Double(start + end) / 2 + 1 }
            start = end + 1
        }
        return ranks
    }

    /// Sample covariance (n - 1 in the denominator).
    private static func covariance(_ a: [Double], _ b: [Double]) -> Double {
        let meanA = a.reduce(0, +) / Double(a.count), meanB = b.reduce(0, +) / Double(b.count)
        return zip(a, b).reduce(0) { $0 + ($1.0 - meanA) * ($1.1 - meanB) } / Double(a.count - 1)
    }

    /// Covariance of two AUCs on the same videos: S10/m + S01/n (a == b gives the variance).
    public static func covariance(_ a: Components, _ b: Components) -> Double {
        covariance(a.fakes, b.fakes) / Double(a.fakes.count) + covariance(a.reals, b.reals) / Double(a.reals.count)
    }

    public static func variance(scores: [Float], labels: [Int]) -> Double? {
        components(scores: scores, labels: labels).map { covariance($0, $0) }
    }

    /// The paired test of two detectors' AUCs on the same videos: z = (A - B) / sd(A - B), two-sided p.
    public struct PairedTest: Sendable, Equatable {
        public let aucA: Double, aucB: Double, varianceA: Double, varianceB: Double, covariance: Double
        public var z: Double { (aucA - aucB) / (varianceA + varianceB - 2 * covariance).squareRoot() }
        /// Two-sided, from the standard normal; NaN when the difference has no variance.
        public var pValue: Double { erfc(abs(z) / 2.0.squareRoot()) }
    }

    /// Nil when a class has fewer than two videos.
    public static func pairedTest(scoresA: [Float], scoresB: [Float], labels: [Int]) -> PairedTest? {
        guard let a = components(scores: scoresA, labels: labels), let b = components(scores: scoresB, labels: labels) else { return nil }
        return PairedTest(aucA: a.auc, aucB: b.auc, varianceA: covariance(a, a), varianceB: covariance(b, b),
                          covariance: covariance(a, b))
    }
}
