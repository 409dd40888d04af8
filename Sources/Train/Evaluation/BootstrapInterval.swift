/// A 95% stratified bootstrap interval (Efron's percentile method): the fakes and the reals are each
/// resampled with replacement to their own counts, so every resample keeps the split's class balance and
/// AUC is always defined; the metric is recomputed on each of `resamples` resamples and the interval is
/// the 2.5th and 97.5th percentiles of those values (linear interpolation between order statistics, as
/// numpy's default). Seeded, so a run's interval is reproducible.
public struct BootstrapInterval: Sendable, Codable, Equatable {
    public var lower: Double
    public var upper: Double

    public static let defaultResamples = 2000
    public static let level = 0.95

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Nil when a class is absent; resamples where the metric is NaN are left out.
    public static func compute(scores: [Float], labels: [Int], resamples: Int = defaultResamples, seed: UInt64,
                               metric: ([Float], [Int]) -> Double) -> BootstrapInterval? {
        let fakes = scores.indices.filter { labels[$0] == 1 }, reals = scores.indices.filter { labels[$0] != 1 }
        guard !fakes.isEmpty, !reals.isEmpty, resamples > 0 else { return nil }
        var random = SeededRandom(seed: seed, stream: 0xB007)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var sampleScores = [Float](repeating: 0, count: scores.count), sampleLabels = [Int](repeating: 0, count: scores.count)
        for _ in 0..<resamples {
            var k = 0
            for group in [fakes, reals] {
                for _ in group.indices {
                    let index = group[random.nextInt(below: group.count)]
                    sampleScores[k] = scores[index]
                    sampleLabels[k] = labels[index]
                    k += 1
                }
            }
            let value = metric(sampleScores, sampleLabels)
            if !value.isNaN { values.append(value) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        let tail = (1 - level) / 2
        return BootstrapInterval(lower: percentile(values, tail), upper: percentile(values, 1 - tail))
    }

    /// The q-quantile of sorted values, interpolating linearly at position q (n - 1).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        return sorted[below] + (position - Double(below)) * (sorted[above] - sorted[below])
    }
}
