import Foundation
import Shared

/// `predict --report`: one self-contained HTML page (inline SVG, thumbnails as data: URIs, no scripts) with,
/// per video, its running fake probability over time against the model's threshold and the frames it read.
public struct TimelineReport: Sendable {
    public var document: PredictionDocument

    public init(document: PredictionDocument) { self.document = document }

    public func html() -> String {
        let e = LineChart.escape
        var page = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>predict: per-frame timelines</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:1100px} .strip{display:flex;flex-wrap:wrap;gap:4px}
        figure{margin:0;text-align:center;font-size:10px} figure.unread img{opacity:.35} .error{color:#b00}</style></head><body>
        <h1>Per-frame timelines</h1>
        <p>Model \(e(document.model)): \(e(document.backbone)), \(document.frames) frames, crop \(e(document.crop)),
        threshold \(String(format: "%.4g", document.threshold)) (fake above it).</p>

        """
        if let metrics = document.metrics {
            page += "<p>" + metrics.summary.map(e).joined(separator: "<br>") + "</p>\n"
        }
        for video in document.videos { page += section(video) }
        return page + "</body></html>\n"
    }

    /// One video: its name and score, the timeline chart and the thumbnail strip.
    private func section(_ video: VideoPrediction) -> String {
        let e = LineChart.escape
        var html = "<section class=\"timeline\"><h2>\(e(video.video))</h2>\n"
        guard let probability = video.fakeProbability else {
            return html + "<p class=\"error\">error: \(e(video.error ?? "unknown"))</p></section>\n"
        }
        let truth = video.trueLabel.map { ", true label \($0)" } ?? ""
        html += "<p>p(fake) \(String(format: "%.4f", probability)): \(e(video.label ?? ""))\(truth)</p>\n"
        html += chart(video).svg()
        html += "<div class=\"strip\">\n"
        for (slot, image) in video.thumbnails.enumerated() where video.frameIndices.indices.contains(slot) {
            let index = video.frameIndices[slot]
            guard index >= 0 else { continue }
            let read = video.validSlots.indices.contains(slot) && video.validSlots[slot]
            let caption = "frame \(index)" + (time(video, slot).map { String(format: ", %.2f s", $0) } ?? "")
                + (score(video, slot).map { String(format: ", p %.3f", $0) } ?? "")
            let png = Data(PNGWriter.encode(image)).base64EncodedString()
            html += "<figure class=\"\(read ? "read" : "unread")\"><img alt=\"\(e(caption))\" src=\"data:image/png;base64,\(png)\">"
                + "<figcaption>\(e(caption))</figcaption></figure>\n"
        }
        return html + "</div></section>\n"
    }

    /// Running score against time (or sampled-slot number when the video has no frame rate) and the threshold.
    func chart(_ video: VideoPrediction) -> LineChart {
        let usesTime = video.timeStamps.contains { $0 != nil }
        let points = video.runningScores.indices.compactMap { slot -> (x: Double, y: Double)? in
            guard let y = score(video, slot), let x = usesTime ? time(video, slot) : Double(slot) else { return nil }
            return (x, y)
        }
        let xs = points.map(\.x)
        let low = xs.min() ?? 0, high = max(xs.max() ?? 1, low + 1e-3)
        let threshold = [(x: low, y: document.threshold), (x: high, y: document.threshold)]
        return LineChart(title: "running p(fake)", xLabel: usesTime ? "time (s)" : "sampled frame", yLabel: "p(fake)",
                         series: [LineChart.Series(name: "running p(fake)", points: points, color: "#c0392b"),
                                  LineChart.Series(name: "threshold", points: threshold, color: "#555", dashed: true)],
                         xRange: low...high, yRange: 0...1)
    }

    private func time(_ video: VideoPrediction, _ slot: Int) -> Double? {
        video.timeStamps.indices.contains(slot) ? video.timeStamps[slot] : nil
    }

    private func score(_ video: VideoPrediction, _ slot: Int) -> Double? {
        video.runningScores.indices.contains(slot) ? video.runningScores[slot] : nil
    }

    /// Writes the page; a failure names the file and what to check.
    public func write(to url: URL) throws {
        do { try Data(html().utf8).write(to: url, options: .atomic) } catch {
            throw PipelineError("cannot write the report \(url.path): \(error.localizedDescription); check that its folder exists and is writable")
        }
    }
}
