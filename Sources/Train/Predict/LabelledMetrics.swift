import Foundation
import Shared

/// AUC and accuracy of `predict` on videos whose true labels a labels.csv gives, computed by `Metrics` on
/// the scored, labelled videos only: unlisted videos are scored but named here instead of counted.
public struct LabelledMetrics: Sendable, Codable, Equatable {
    /// Scored videos with a label, and how many of them are fake and real.
    public var videos: Int
    public var fake: Int
    public var real: Int
    /// ROC AUC; nil when one class is absent.
    public var auc: Double?
    /// Accuracy at the model's threshold (fake above it); nil when no labelled video was scored.
    public var accuracy: Double?
    public var threshold: Double
    /// Scored videos that no labels file lists (display names), left out of the metrics.
    public var unlabelled: [String]
    /// Labelled videos that could not be scored, left out of the metrics.
    public var failed: Int

    enum CodingKeys: String, CodingKey {
        case videos, fake, real, auc, accuracy, threshold, unlabelled, failed
    }

    /// Sets each prediction's `trueLabel` from `labels` (keyed by `LabelsFile.key`) and scores the labelled ones.
    public static func measure(_ predictions: inout [VideoPrediction], urls: [URL], labels: [String: VideoLabel],
                               threshold: Double) -> LabelledMetrics {
        precondition(predictions.count == urls.count, "one URL per prediction")
        var probabilities: [Float] = [], truth: [Int] = [], unlabelled: [String] = [], failed = 0
        for index in predictions.indices {
            guard let label = labels[LabelsFile.key(urls[index])] else {
                unlabelled.append(predictions[index].video)
                continue
            }
            predictions[index].trueLabel = label == .fake ? "fake" : "real"
            guard let probability = predictions[index].fakeProbability, probability.isFinite else { failed += 1; continue }
            probabilities.append(Float(probability))
            truth.append(Int(label.rawValue))
        }
        let auc = Metrics.rocAUC(scores: probabilities, labels: truth)
        let accuracy = Metrics.accuracy(probabilities: probabilities, labels: truth, threshold: threshold)
        let fakes = truth.filter { $0 == 1 }.count
        return LabelledMetrics(videos: truth.count, fake: fakes, real: truth.count - fakes,
                               auc: auc.isFinite ? auc : nil, accuracy: accuracy.isFinite ? accuracy : nil,
                               threshold: threshold, unlabelled: unlabelled, failed: failed)
    }

    /// The lines printed after the table.
    public var summary: [String] {
        func value(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "undefined (needs both classes)" }
        var lines = ["labelled: \(videos) videos scored (\(fake) fake, \(real) real)",
                     "AUC: \(value(auc))",
                     "accuracy at threshold \(String(format: "%.4g", threshold)): "
                        + (accuracy.map { String(format: "%.4f", $0) } ?? "undefined (no labelled video scored)")]
        if failed > 0 { lines.append("note: \(failed) labelled videos could not be scored and are left out") }
        if !unlabelled.isEmpty {
            let names = unlabelled.prefix(5).joined(separator: ", ") + (unlabelled.count > 5 ? ", ..." : "")
            lines.append("note: \(unlabelled.count) videos are not in the labels file and are left out of the metrics: \(names)")
        }
        return lines
    }
}
