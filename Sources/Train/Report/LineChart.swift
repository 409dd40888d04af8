import Foundation

/// A self-contained SVG line chart (no scripts, no network): learning curves and ROC curves. The legend is a
/// row above the plot area, so it never covers a line.
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

    /// A labelled vertical line across the plot (the best epoch), or a labelled dot (a threshold on a ROC).
    public struct Marker: Sendable {
        public enum Shape: Sendable { case verticalLine, dot }
        public var shape: Shape
        public var x: Double
        public var y: Double
        public var label: String
        public var color: String
        /// The SVG class of the marker's line or circle, so readers (and tests) can find it.
        public var role: String
        public init(_ shape: Shape, x: Double, y: Double = 0, label: String, color: String, role: String) {
            self.shape = shape
            self.x = x
            self.y = y
            self.label = label
            self.color = color
            self.role = role
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed axis ranges (e.g. 0...1 for ROC); nil fits the data.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Limits a fitted y axis (0...1 for scores, 0... for losses) so the padding never shows impossible values.
    public var yLimits: ClosedRange<Double>?
    public var markers: [Marker] = []
    public var width = 480.0
    public var height = 320.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, yLimits: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
        self.yLimits = yLimits
    }

    public func svg() -> String {
        let frame = self.frame()
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Self.f(width / 2))" y="18" text-anchor="middle" font-size="13" font-weight="bold">\(Self.escape(title))</text>

        """
        svg += axes(frame)
        for line in series {
            let path = line.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(Self.f(frame.px($0.x))),\(Self.f(frame.py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.8\"\(Self.dash(line)) points=\"\(path)\"/>\n"
        }
        svg += markerElements(frame) + legend()
        return svg + "</svg>\n"
    }

    /// Grid, tick labels, the plot's border and the axis titles.
    private func axes(_ frame: Frame) -> String {
        var svg = ""
        for tick in Self.ticks(frame.xs) {
            svg += "<line x1=\"\(Self.f(frame.px(tick)))\" y1=\"\(Self.f(frame.top))\" x2=\"\(Self.f(frame.px(tick)))\" y2=\"\(Self.f(frame.bottom))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(Self.f(frame.px(tick)))\" y=\"\(Self.f(frame.bottom + 14))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in Self.ticks(frame.ys) {
            svg += "<line x1=\"\(Self.f(frame.left))\" y1=\"\(Self.f(frame.py(tick)))\" x2=\"\(Self.f(frame.right))\" y2=\"\(Self.f(frame.py(tick)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(Self.f(frame.left - 6))\" y=\"\(Self.f(frame.py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        svg += "<rect x=\"\(Self.f(frame.left))\" y=\"\(Self.f(frame.top))\" width=\"\(Self.f(frame.width))\" height=\"\(Self.f(frame.height))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += "<text x=\"\(Self.f(frame.left + frame.width / 2))\" y=\"\(Self.f(height - 8))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(14 \(Self.f(frame.top + frame.height / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        return svg
    }

    /// Marker labels carry a white halo so they stay readable over grid and curves; dots close together
    /// stack their labels a line apart instead of printing over each other.
    private func markerElements(_ frame: Frame) -> String {
        var svg = "", labelLines: [Double] = []
        let halo = "stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\""
        for marker in markers where marker.x.isFinite && marker.y.isFinite {
            let x = frame.px(marker.x), label = Self.escape(marker.label)
            let anchor = x > frame.left + frame.width * 0.6 ? "end" : "start"
            switch marker.shape {
            case .verticalLine:
                svg += "<line class=\"\(marker.role)\" x1=\"\(Self.f(x))\" y1=\"\(Self.f(frame.top))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(frame.bottom))\" stroke=\"\(marker.color)\" stroke-width=\"1.2\" stroke-dasharray=\"2 3\"/>"
                // In the strip between the legend and the plot, so it never covers a curve.
                svg += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(frame.top - 4))\" text-anchor=\"\(anchor == "end" ? "end" : "middle")\" fill=\"\(marker.color)\">\(label)</text>\n"
            case .dot:
                let y = frame.py(marker.y)
                svg += "<circle class=\"\(marker.role)\" cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"4\" fill=\"\(marker.color)\" stroke=\"white\"/>"
                guard !label.isEmpty else { continue }
                let textX = anchor == "end" ? x - 8 : x + 8
                var labelY = y + 14
                while labelLines.contains(where: { abs($0 - labelY) < 13 }) { labelY += 13 }
                labelLines.append(labelY)
                svg += "<text x=\"\(Self.f(textX))\" y=\"\(Self.f(labelY))\" text-anchor=\"\(anchor)\" fill=\"\(marker.color)\" \(halo)>\(label)</text>\n"
            }
        }
        return svg
    }

    private func legend() -> String {
        var svg = ""
        for entry in legendLayout() {
            let line = series[entry.index]
            svg += "<line x1=\"\(Self.f(entry.x))\" y1=\"\(Self.f(entry.y - 4))\" x2=\"\(Self.f(entry.x + 18))\" y2=\"\(Self.f(entry.y - 4))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(Self.dash(line))/>"
            svg += "<text class=\"legend\" x=\"\(Self.f(entry.x + 24))\" y=\"\(Self.f(entry.y))\">\(Self.escape(line.name))</text>\n"
        }
        return svg
    }

    static let margin = (left: 56.0, right: 16.0, top: 30.0, bottom: 44.0)
    static let legendRowHeight = 15.0

    /// Legend entries left to right in rows under the title, wrapping at the chart's width (text width
    /// estimated at 6.2 px a character, the font's average).
    func legendLayout() -> [(index: Int, x: Double, y: Double)] {
        var entries: [(index: Int, x: Double, y: Double)] = []
        var x = Self.margin.left, row = 0
        for (index, line) in series.enumerated() {
            let entryWidth = 24 + Double(line.name.count) * 6.2 + 14
            if x > Self.margin.left, x + entryWidth > width - Self.margin.right { x = Self.margin.left; row += 1 }
            entries.append((index, x, Self.margin.top + 10 + Double(row) * Self.legendRowHeight))
            x += entryWidth
        }
        return entries
    }

    /// Where data lands: the axis ranges and the plot rectangle below the legend rows.
    public struct Frame: Sendable {
        public var xs: ClosedRange<Double>
        public var ys: ClosedRange<Double>
        public var left: Double, top: Double, width: Double, height: Double
        public var right: Double { left + width }
        public var bottom: Double { top + height }
        public func px(_ x: Double) -> Double { left + (x - xs.lowerBound) / (xs.upperBound - xs.lowerBound) * width }
        public func py(_ y: Double) -> Double { bottom - (y - ys.lowerBound) / (ys.upperBound - ys.lowerBound) * height }
    }

    public func frame() -> Frame {
        let rows = Double(Set(legendLayout().map(\.y)).count)
        let strip = markers.contains { $0.shape == .verticalLine } ? 14.0 : 0
        let top = Self.margin.top + rows * Self.legendRowHeight + (rows > 0 ? 4 : 0) + strip
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let ys = yRange ?? Self.fitted(finite.map(\.y), within: yLimits)
        return Frame(xs: xRange ?? Self.padded(finite.map(\.x)), ys: ys, left: Self.margin.left, top: top,
                     width: width - Self.margin.left - Self.margin.right, height: height - top - Self.margin.bottom)
    }

    /// The data's range padded by 5% a side, reaching at most 2% of its span past `limits`: no tick shows an
    /// impossible value, and a curve lying on a limit (an AUC of 1) stays clear of the plot's border.
    static func fitted(_ values: [Double], within limits: ClosedRange<Double>?) -> ClosedRange<Double> {
        let range = padded(values)
        guard let limits else { return range }
        let slack = (range.upperBound - range.lowerBound) * 0.02
        let low = max(range.lowerBound, limits.lowerBound - slack), high = min(range.upperBound, limits.upperBound + slack)
        return low < high ? low...high : range
    }

    static func padded(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        // A flat curve still gets a readable axis: 0.05 either side of it.
        if high - low < 1e-12 { return (low - 0.05)...(high + 0.05) }
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

    static func dash(_ line: Series) -> String { line.dashed ? " stroke-dasharray=\"5 4\"" : "" }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
