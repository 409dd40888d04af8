import Foundation
import Testing
@testable import Train

@Suite struct LineChartTests {
    @Test func svgHasOnePolylinePerSeriesAndEscapesText() {
        let chart = LineChart(title: "loss <train & val>", xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "train", points: [(1, 0.9), (2, 0.5), (3, 0.3)], color: "#1f77b4"),
            .init(name: "val", points: [(1, 1.0), (2, 0.7), (3, .nan)], color: "#ff7f0e", dashed: true),
        ])
        let svg = chart.svg()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains("loss &lt;train &amp; val&gt;"))
        #expect(!svg.contains("nan"))
    }

    @Test func ticksAreRoundAndInsideTheRange() {
        let unit = LineChart.ticks(0...1)
        #expect(unit.count == 6)
        #expect(zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1.0]).allSatisfy { abs($0 - $1) < 1e-9 })
        let ticks = LineChart.ticks(3.7...118.2)
        #expect(ticks.first! >= 3.7 && ticks.last! <= 118.2)
        #expect(ticks.allSatisfy { $0.truncatingRemainder(dividingBy: 25) == 0 })
    }
}
