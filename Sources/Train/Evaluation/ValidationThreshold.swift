/// The decision threshold chosen on the validation split, reported beside 0.5 and stored in model.h5.
extension Metrics {
    /// The threshold t (probability > t means fake) that maximises balanced accuracy on these scores.
    /// Candidates are 0.5 and the midpoints between consecutive distinct scores (every distinct split of
    /// the sorted scores, placed where it is least sensitive to small score changes). Ties go to the
    /// candidate closest to 0.5, then the lower one: never worse than 0.5 on these scores, and 0.5 when
    /// nothing beats it. 0.5 when a class is absent.
    public static func balancedAccuracyThreshold(probabilities: [Float], labels: [Int]) -> Double {
        let fakes = labels.filter { $0 == 1 }.count, reals = labels.count - fakes
        guard fakes > 0, reals > 0 else { return 0.5 }
        // Ascending; a threshold just above the scores of order[..<k] calls those real and the rest fake.
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        var best = (score: balancedAccuracy(probabilities: probabilities, labels: labels, threshold: 0.5), threshold: 0.5)
        var realsBelow = 0, fakesBelow = 0, k = 0
        while k < order.count {
            let value = probabilities[order[k]]
            while k < order.count && probabilities[order[k]] == value {
                if labels[order[k]] == 1 { fakesBelow += 1 } else { realsBelow += 1 }
                k += 1
            }
            guard k < order.count else { break }
            let threshold = (Double(value) + Double(probabilities[order[k]])) / 2
            let score = (Double(realsBelow) / Double(reals) + Double(fakes - fakesBelow) / Double(fakes)) / 2
            if score > best.score || (score == best.score && closer(threshold, than: best.threshold)) {
                best = (score, threshold)
            }
        }
        return best.threshold
    }

    /// Nearer 0.5, or as near and lower.
    private static func closer(_ a: Double, than b: Double) -> Bool {
        let da = abs(a - 0.5), db = abs(b - 0.5)
        return da < db || (da == db && a < b)
    }
}
