import Foundation

/// `predict`'s text output: one row per video and, per frame when asked, the running score after each
/// sampled frame, then the labelled metrics when a labels file was given.
public enum PredictionTable {
    public static func text(_ document: PredictionDocument, thresholdDescription: String, perFrame: Bool) -> String {
        let predictions = document.videos
        let width = max(5, predictions.map(\.video.count).max() ?? 5)
        var lines = ["video".padding(toLength: width, withPad: " ", startingAt: 0) + "  p(fake)  label (fake above threshold \(thresholdDescription))"]
        for p in predictions {
            let name = p.video.padding(toLength: width, withPad: " ", startingAt: 0)
            if let probability = p.fakeProbability, let label = p.label {
                lines.append(name + String(format: "  %7.4f  %@", probability, label) + (p.trueLabel.map { " (true: \($0))" } ?? ""))
                if perFrame { lines += frameLines(p) }
            } else {
                lines.append(name + "        -  error: " + (p.error ?? "unknown"))
            }
        }
        if let metrics = document.metrics { lines += metrics.summary }
        return lines.joined(separator: "\n")
    }

    /// "    frame  time (s)  running p(fake)" rows, one per sampled slot; padding slots are skipped.
    static func frameLines(_ p: VideoPrediction) -> [String] {
        var lines = ["    frame  time (s)  running p(fake)"]
        for (slot, index) in p.frameIndices.enumerated() where index >= 0 {
            let time = (slot < p.timeStamps.count ? p.timeStamps[slot] : nil).map { String(format: "%8.3f", $0) } ?? "       -"
            let score = (slot < p.runningScores.count ? p.runningScores[slot] : nil).map { String(format: "%7.4f", $0) } ?? "      -"
            let read = slot < p.validSlots.count && !p.validSlots[slot] ? "  (not read: no face)" : ""
            lines.append(String(format: "    %5d  ", index) + time + "  " + score + read)
        }
        return lines
    }
}
