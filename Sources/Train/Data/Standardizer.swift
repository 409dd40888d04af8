/// Per-feature standardization with the training set's mean and standard deviation over valid frames,
/// applied unchanged to validation and test data so no statistics leak from them.
public struct Standardizer: Sendable, Equatable {
    public let mean: [Float]  // [dim]
    public let std: [Float]   // [dim]; features with (near) zero spread get 1 so they stay finite

    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    public init(fitting data: TrainingData) {
        let dim = data.featureCount, frames = data.frameCount
        var sum = [Double](repeating: 0, count: dim), squares = [Double](repeating: 0, count: dim)
        var n = 0
        for v in 0..<data.videoCount {
            for f in 0..<frames where data.mask.data[v * frames + f] > 0 {
                n += 1
                let base = (v * frames + f) * dim
                for c in 0..<dim { sum[c] += Double(data.sequences.data[base + c]) }
            }
        }
        let count = Double(max(n, 1))
        let m = sum.map { $0 / count }
        for v in 0..<data.videoCount {
            for f in 0..<frames where data.mask.data[v * frames + f] > 0 {
                let base = (v * frames + f) * dim
                for c in 0..<dim {
                    let d = Double(data.sequences.data[base + c]) - m[c]
                    squares[c] += d * d
                }
            }
        }
        mean = m.map { Float($0) }
        std = squares.map { s in
            let sd = (s / count).squareRoot()
            return sd > 1e-6 ? Float(sd) : 1
        }
    }

    /// Standardized copy; padded frames stay zero.
    public func apply(to data: TrainingData) -> TrainingData {
        var out = data
        let dim = data.featureCount, frames = data.frameCount
        for v in 0..<data.videoCount {
            for f in 0..<frames {
                let base = (v * frames + f) * dim
                let valid = data.mask.data[v * frames + f] > 0
                for c in 0..<dim {
                    out.sequences.data[base + c] = valid ? (data.sequences.data[base + c] - mean[c]) / std[c] : 0
                }
            }
        }
        return out
    }
}
