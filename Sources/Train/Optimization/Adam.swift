import Shared
/// Adam as Keras implements it (defaults lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7):
///   m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2)
///   p -= lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
/// Optional decoupled weight decay (Keras's `weight_decay`, AdamW-style): p -= lr * decay * p before the step.
public struct Adam: Sendable {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public private(set) var step = 0
    private var firstMoments: [[Float]] = []
    private var secondMoments: [[Float]] = []

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One update of every trainable array of `head` with `gradients` (in `Head.trainableParameters` order).
    public mutating func apply(_ gradients: [[Float]], to head: inout Head) {
        if firstMoments.isEmpty {
            firstMoments = gradients.map { [Float](repeating: 0, count: $0.count) }
            secondMoments = firstMoments
        }
        step += 1
        let t = Double(step)
        let alpha = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        let decay = learningRate * weightDecay
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        head.updateTrainable { slot, values in
            let g = gradients[slot]
            precondition(g.count == values.count, "gradient \(slot) does not match its parameter")
            firstMoments[slot].withUnsafeMutableBufferPointer { m in
            secondMoments[slot].withUnsafeMutableBufferPointer { v in
            values.withUnsafeMutableBufferPointer { p in
            g.withUnsafeBufferPointer { g in
                if decay != 0 {
                    for i in 0..<p.count { p[i] -= decay * p[i] }
                }
                // Large arrays (the first GRU's 1 MB kernel) split over the cores in 8-aligned parts; every
                // element gets the same operations wherever it falls, so the split changes no bit.
                let count = p.count
                let (p, m, v, g) = (p.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!)
                let threads = count >= 1 << 16 ? BLASThreadCount.current : 1
                OpenMPTeam.run(threads: threads) { part, parts in
                    let first = count * part / parts / 8 * 8
                    let end = part == parts - 1 ? count : count * (part + 1) / parts / 8 * 8
                    Self.update(p + first, m + first, v + first, g + first, count: end - first,
                                alpha: alpha, beta1: b1, beta2: b2, epsilon: eps)
                }
            }}}}
        }
    }
}

extension Adam {
    /// The moment and parameter update, eight lanes at a time (the compiler does not vectorize it by itself,
    /// and SIMD's own squareRoot calls sqrtf lane by lane); every lane does the same IEEE operations in the
    /// same order as the scalar tail, so results do not depend on where a value falls.
    static func update(_ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                       _ g: UnsafePointer<Float>, count: Int, alpha: Float, beta1: Float, beta2: Float, epsilon: Float) {
        let c1 = Lanes(repeating: 1 - beta1), c2 = Lanes(repeating: 1 - beta2)
        let a = Lanes(repeating: alpha), e = Lanes(repeating: epsilon)
        var i = 0
        while i + 8 <= count {
            let gi = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
            var mi = UnsafeRawPointer(m + i).loadUnaligned(as: Lanes.self)
            var vi = UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self)
            var pi = UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
            mi += (gi - mi) * c1
            vi += (gi * gi - vi) * c2
            pi -= a * mi / (vi.laneSquareRoot() + e)
            UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: Lanes.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: Lanes.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: pi, as: Lanes.self)
            i += 8
        }
        while i < count {
            m[i] += (g[i] - m[i]) * (1 - beta1)
            v[i] += (g[i] * g[i] - v[i]) * (1 - beta2)
            p[i] -= alpha * m[i] / (v[i].squareRoot() + epsilon)
            i += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
