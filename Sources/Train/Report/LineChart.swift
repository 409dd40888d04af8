import Foundation

/// A self-contained SVG line chart (no scripts, no network): learning curves and ROC curves.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed: Bool
        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed axis ranges (e.g. 0...1 for ROC); nil fits the data.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var width = 480.0
    public var height = 320.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
    }

    public func svg() -> String {
        let margin = (left: 56.0, right: 16.0, top: 32.0, bottom: 44.0)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = xRange ?? Self.padded(finite.map(\.x))
        let ys = yRange ?? Self.padded(finite.map(\.y))
        func px(_ x: Double) -> Double { margin.left + (x - xs.lowerBound) / (xs.upperBound - xs.lowerBound) * plotWidth }
        func py(_ y: Double) -> Double { margin.top + plotHeight - (y - ys.lowerBound) / (ys.upperBound - ys.lowerBound) * plotHeight }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Self.f(width / 2))" y="18" text-anchor="middle" font-size="13" font-weight="bold">\(Self.escape(title))</text>

        """
        for tick in Self.ticks(xs) {
            svg += "<line x1=\"\(Self.f(px(tick)))\" y1=\"\(Self.f(margin.top))\" x2=\"\(Self.f(px(tick)))\" y2=\"\(Self.f(margin.top + plotHeight))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(Self.f(px(tick)))\" y=\"\(Self.f(margin.top + plotHeight + 14))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in Self.ticks(ys) {
            svg += "<line x1=\"\(Self.f(margin.left))\" y1=\"\(Self.f(py(tick)))\" x2=\"\(Self.f(margin.left + plotWidth))\" y2=\"\(Self.f(py(tick)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(Self.f(margin.left - 6))\" y=\"\(Self.f(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        svg += "<rect x=\"\(Self.f(margin.left))\" y=\"\(Self.f(margin.top))\" width=\"\(Self.f(plotWidth))\" height=\"\(Self.f(plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += "<text x=\"\(Self.f(margin.left + plotWidth / 2))\" y=\"\(Self.f(height - 8))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(14 \(Self.f(margin.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (index, line) in series.enumerated() {
            let path = line.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(Self.f(px($0.x))),\(Self.f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.8\"\(line.dashed ? " stroke-dasharray=\"5 4\"" : "") points=\"\(path)\"/>\n"
            let legendY = margin.top + 14 + Double(index) * 15
            let legendX = margin.left + plotWidth - 150
            svg += "<line x1=\"\(Self.f(legendX))\" y1=\"\(Self.f(legendY - 4))\" x2=\"\(Self.f(legendX + 18))\" y2=\"\(Self.f(legendY - 4))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(line.dashed ? " stroke-dasharray=\"5 4\"" : "")/>"
            svg += "<text x=\"\(Self.f(legendX + 24))\" y=\"\(Self.f(legendY))\">\(Self.escape(line.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func padded(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        if high - low < 1e-12 { return (low - 0.5)...(high + 0.5) }
        let pad = (high - low) * 0.05
        return (low - pad)...(high + pad)
    }

    /// About five round-numbered ticks inside the range.
    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        let span = range.upperBound - range.lowerBound
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var tick = ceil(range.lowerBound / step) * step
        var ticks: [Double] = []
        while tick <= range.upperBound + step * 1e-9 { ticks.append(tick); tick += step }
        return ticks
    }

    static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
        return String(format: "%g", (value * 1e6).rounded() / 1e6)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
