import Testing
@testable import Train

/// Central finite differences against an analytic gradient, in float32 with a Double-accumulated loss.
/// Tolerance |analytic - numeric| <= 2e-3 + 2e-2 * max(|analytic|, |numeric|): float rounding in a loss of
/// order one, divided by 2 * step, stays near 1e-4, far below it; a wrong formula is off by O(gradient).
enum GradientChecking {
    static let step: Float = 1e-2

    /// Checks every coordinate of `point` (small tests keep that cheap).
    static func check(_ label: String, point: [Float], analytic: [Float], loss: ([Float]) -> Double,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(point.count == analytic.count, "\(label): gradient size", sourceLocation: sourceLocation)
        for i in point.indices {
            var plus = point, minus = point
            plus[i] += step
            minus[i] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
            let a = Double(analytic[i])
            if abs(a - numeric) > 2e-3 + 2e-2 * max(abs(a), abs(numeric)) {
                Issue.record("\(label)[\(i)]: analytic \(a) vs numeric \(numeric)", sourceLocation: sourceLocation)
                return
            }
        }
        // A gradient that is all zeros would pass trivially; the tests make sure it is not.
        #expect(analytic.contains { abs($0) > 1e-3 }, "\(label): gradient is all ~0", sourceLocation: sourceLocation)
    }

    /// Fixed random values of a given scale.
    static func values(_ count: Int, scale: Float, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed, stream: 99)
        return (0..<count).map { _ in Float(random.nextGaussian()) * scale }
    }

    /// L = sum_i weights_i * outputs_i, so dL/doutputs = weights.
    static func weightedSum(_ outputs: [Float], _ weights: [Float]) -> Double {
        zip(outputs, weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
}
