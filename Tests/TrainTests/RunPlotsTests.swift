import Foundation
import Testing
import Shared
@testable import Train

/// The run pictures read well: the kept epoch is marked where it is, score axes fit the data, legends stay
/// off the plot, the threshold points sit on the ROC curve, and every SVG is well-formed XML.
@Suite struct RunPlotsTests {
    /// 20 epochs; accuracies inside 0.6...0.9, AUCs inside 0.7...0.85, validation loss lowest at epoch 13.
    static let history: [EpochRecord] = (0..<20).map { e in
        let t = Double(e) / 19
        return EpochRecord(epoch: e, learningRate: 1e-3, trainLoss: 0.9 - 0.6 * t, trainAccuracy: 0.6 + 0.3 * t,
                           validationLoss: 0.8 - 0.3 * t + (e > 12 ? 0.04 * Double(e - 12) : 0),
                           validationAccuracy: 0.62 + 0.2 * t, validationAUC: 0.7 + 0.15 * t)
    }

    @Test func everyPictureIsWellFormedXML() throws {
        let curves = RunPlots.learningCurves(Self.history, bestEpoch: 13, title: "gru <1> & fc")
        #expect(SVGElements.parse(curves) != nil)
        let roc = Metrics.rocCurve(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1])
        #expect(SVGElements.parse(RunPlots.rocChart(roc, auc: 0.75, chosen: nil, half: nil, title: "ROC").svg()) != nil)
        for broken in ["<svg><g></svg>", "<svg><text>a & b</text></svg>", "<svg><g>", "<svg x=\"1></svg>"] {
            #expect(SVGElements.parse(broken) == nil, "the check must catch a broken document: \(broken)")
        }
    }

    @Test func theBestEpochMarkerSitsOnTheKeptEpoch() throws {
        for chart in [RunPlots.lossChart(Self.history, bestEpoch: 13, title: "t"),
                      RunPlots.accuracyChart(Self.history, bestEpoch: 13, title: "t")] {
            let elements = try #require(SVGElements.parse(chart.svg()))
            let marker = try #require(elements.withClass("best-epoch").first)
            let x1 = try #require(elements.number(marker, "x1")), x2 = try #require(elements.number(marker, "x2"))
            // Epochs 1...20 padded by 5% of their span on each side.
            let low = 1 - 0.95, high = 20 + 0.95
            let frame = chart.frame()
            #expect(abs(frame.xs.lowerBound - low) < 1e-9 && abs(frame.xs.upperBound - high) < 1e-9)
            let expected = frame.left + (13 - low) / (high - low) * frame.width
            #expect(abs(x1 - expected) <= 0.05 && x1 == x2, "marker at \(x1), epoch 13 is at \(expected)")
            // The 13th vertex of each curve is epoch 13.
            for line in elements.polylines { #expect(abs(line[12].x - x1) <= 0.1) }
            #expect(elements.contains { $0.name == "text" && $0.text.contains("best epoch 13") })
        }
    }

    @Test func scoreAndLossAxesFitTheData() throws {
        let accuracy = RunPlots.accuracyChart(Self.history, bestEpoch: 13, title: "t").frame().ys
        let scores = Self.history.flatMap { [$0.trainAccuracy, $0.validationAccuracy, $0.validationAUC] }
        #expect(scores.allSatisfy { accuracy.contains($0) })
        #expect(accuracy.lowerBound > 0.5 && accuracy.upperBound < 0.95, "axis \(accuracy) for data in 0.6...0.9")
        // A perfect run shows no tick above 1, and its line at 1 stays off the border; a loss near 0 no negative tick.
        let perfect = Self.history.map {
            EpochRecord(epoch: $0.epoch, learningRate: 1e-3, trainLoss: 0.5 - Double($0.epoch) * 0.0263, trainAccuracy: 1,
                        validationLoss: 0.3, validationAccuracy: 1, validationAUC: 1)
        }
        let top = RunPlots.accuracyChart(perfect, bestEpoch: 1, title: "t").frame().ys
        #expect(top.upperBound > 1 && top.upperBound < 1.01, "axis \(top)")
        #expect(LineChart.ticks(top).allSatisfy { $0 <= 1 + 1e-9 })
        let loss = RunPlots.lossChart(perfect, bestEpoch: 1, title: "t").frame().ys
        #expect(loss.lowerBound < 0.0003 && loss.contains(0.5))
        #expect(LineChart.ticks(loss).allSatisfy { $0 >= -1e-9 })
    }

    @Test func legendsStayAboveThePlotAndWrapInsideTheChart() throws {
        let series = (0..<12).map { LineChart.Series(name: "mobilenetv2_f16 seed \($0) lr 0.001", points: [(1, 0.5), (2, Double($0) / 12)], color: "#000") }
        let chart = LineChart(title: "t", xLabel: "x", yLabel: "y", series: series)
        let frame = chart.frame()
        let elements = try #require(SVGElements.parse(chart.svg()))
        let legend = elements.withClass("legend")
        #expect(legend.count == 12)
        for text in legend {
            let y = try #require(elements.number(text, "y")), x = try #require(elements.number(text, "x"))
            #expect(y < frame.top - 3, "legend entry at y \(y) inside the plot starting at \(frame.top)")
            #expect(x + Double(text.text.count) * 6.2 <= chart.width)
        }
        #expect(elements.polylines.joined().allSatisfy { $0.y >= frame.top - 0.05 && $0.y <= frame.bottom + 0.05 })
    }

    @Test func theThresholdPointsLieOnTheROCPolyline() throws {
        var random = SeededRandom(seed: 11)
        let labels = (0..<80).map { $0 % 3 == 0 ? 0 : 1 }
        let scores = labels.map { Float(random.nextUniform() * 0.7 + ($0 == 1 ? 0.25 : 0)) }
        let chosen = 0.37
        let confusions = [chosen, 0.5].map { RunMetrics.Confusion(Metrics.confusionMatrix(probabilities: scores, labels: labels,
                                                                                          threshold: $0), threshold: $0) }
        let chart = RunPlots.rocChart(Metrics.rocCurve(scores: scores, labels: labels), auc: 0.8, chosen: confusions[0],
                                      half: confusions[1], title: "ROC")
        let frame = chart.frame()
        #expect(frame.xs.contains(0) && frame.xs.contains(1) && frame.ys.contains(0) && frame.ys.contains(1))
        let elements = try #require(SVGElements.parse(chart.svg()))
        #expect(elements.filter { $0.name == "text" && $0.text.hasPrefix("val threshold 0.37") }.count == 1)
        let curve = elements.polylines[0]
        for (role, threshold) in [("val-threshold", chosen), ("half-threshold", 0.5)] {
            let dot = try #require(elements.withClass(role).first)
            let cx = try #require(elements.number(dot, "cx")), cy = try #require(elements.number(dot, "cy"))
            // Counted here: a video is called fake when its score is above the threshold.
            let called = zip(scores, labels).filter { Double($0.0) > threshold }
            let fpr = Double(called.filter { $0.1 == 0 }.count) / Double(labels.filter { $0 == 0 }.count)
            let tpr = Double(called.filter { $0.1 == 1 }.count) / Double(labels.filter { $0 == 1 }.count)
            let (xs, ys) = (frame.xs, frame.ys)
            let x = frame.left + (fpr - xs.lowerBound) / (xs.upperBound - xs.lowerBound) * frame.width
            let y = frame.top + (ys.upperBound - tpr) / (ys.upperBound - ys.lowerBound) * frame.height
            #expect(abs(cx - x) <= 0.05 && abs(cy - y) <= 0.05, "\(role) at (\(cx), \(cy)), expected (\(x), \(y))")
            let distance = zip(curve, curve.dropFirst()).map { Self.distance((cx, cy), $0, $1) }.min()!
            #expect(distance <= 0.1, "\(role) point is \(distance) px off the ROC polyline")
        }
    }

    @Test func labelsOfNearbyDotsDoNotOverlap() throws {
        // Two threshold points 0.05 apart in TPR, as the demo2 ROC had them: their labels must sit a line apart.
        var chart = LineChart(title: "ROC", xLabel: "x", yLabel: "y", series: [.init(name: "c", points: [(0, 0), (1, 1)], color: "#000")],
                              xRange: 0...1, yRange: 0...1)
        chart.markers = [.init(.dot, x: 0.55, y: 0.90, label: "threshold 0.5", color: "#777", role: "a"),
                         .init(.dot, x: 0.70, y: 0.95, label: "val threshold 0.207", color: "#070", role: "b"),
                         .init(.dot, x: 0.60, y: 0.92, label: "third", color: "#007", role: "c")]
        let labels = try #require(SVGElements.parse(chart.svg())).filter { $0.name == "text" && ["threshold 0.5", "val threshold 0.207", "third"].contains($0.text) }
        let ys = labels.compactMap { $0.attributes["y"].flatMap(Double.init) }.sorted()
        #expect(ys.count == 3)
        for (a, b) in zip(ys, ys.dropFirst()) { #expect(b - a >= 13, "labels at y \(ys)") }
    }

    static func distance(_ p: (Double, Double), _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y, length = dx * dx + dy * dy
        let t = length == 0 ? 0 : max(0, min(1, ((p.0 - a.x) * dx + (p.1 - a.y) * dy) / length))
        return hypot(p.0 - (a.x + t * dx), p.1 - (a.y + t * dy))
    }

    @Test func theArchitectureOverlayDrawsEveryRunWithItsLabel() throws {
        let runs = (1...3).map { seed in
            ArchitectureCurves.Run(runDirectory: "mobilenetv2_f16/gru1-fc1_run\(seed)", label: "mobilenetv2_f16 seed \(seed)",
                                   history: RunHistory(rows: (1...(5 * seed)).map { .init(epoch: $0, validationLoss: 1 / Double($0), validationAUC: 0.5 + 0.01 * Double($0 * seed)) }))
        }
        let elements = try #require(SVGElements.parse(ArchitectureCurves.svg(architecture: "gru1-fc1", runs: runs)))
        #expect(elements.polylines.map(\.count) == [5, 10, 15, 5, 10, 15])
        for seed in 1...3 { #expect(elements.withClass("legend").filter { $0.text == "mobilenetv2_f16 seed \(seed)" }.count == 2) }
    }

    @Test func aMalformedHistoryIsAClearError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try (RunHistory.header + "\n1,0.001,0.7,0.5,0.69,0.5,nan\n2,0.001,0.6,0.6,0.6,0.6\n").write(to: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: PipelineError.self) { try RunHistory.read(file) }
        #expect("\(error!)".contains("\(file.path) line 3"))
        try (RunHistory.header + "\n1,0.001,0.7,0.5,0.69,0.5,nan\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try RunHistory.read(file).rows.count == 1)
    }

    @Test func consoleLinesNameTheirRun() {
        let request = TrainingRequest(dataset: "Syn", backbone: "mobilenetv2", frames: 8, architecture: "gru1-fc1",
                                      learningRate: 3e-3, epochs: 2, batchSize: 8, seed: 7)
        #expect(request.runLabel == "Syn/mobilenetv2_f8/gru1-fc1 seed 7 lr 0.003")
    }
}
