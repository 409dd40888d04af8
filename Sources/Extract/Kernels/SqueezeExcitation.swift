/// Squeeze-and-excitation (Hu et al. 2018) with a SiLU bottleneck, as EfficientNet uses it: per image, the
/// channel means go through a 1x1 reduction + SiLU and a 1x1 expansion + sigmoid, and the gate scales every
/// pixel's channels. Needs the whole map of an image before its first pixel can be scaled.
public struct SqueezeExcitation: Sendable {
    public let channels: Int
    public let squeezeChannels: Int
    /// [squeeze, channels] and [channels, squeeze] row-major (torch's 1x1 weights without the unit dims).
    let reduceWeights: [Float]
    let reduceBias: [Float]
    let expandWeights: [Float]
    let expandBias: [Float]

    public init(reduceWeights: [Float], reduceBias: [Float], expandWeights: [Float], expandBias: [Float]) {
        let (channels, squeeze) = (expandBias.count, reduceBias.count)
        precondition(reduceWeights.count == squeeze * channels && expandWeights.count == channels * squeeze,
                     "squeeze-and-excitation weights must be [squeeze, channels] and [channels, squeeze]")
        (self.channels, self.squeezeChannels) = (channels, squeeze)
        (self.reduceWeights, self.reduceBias) = (reduceWeights, reduceBias)
        (self.expandWeights, self.expandBias) = (expandWeights, expandBias)
    }

    /// Scales every image of the batch by its own gate, in place.
    public func callAsFunction(_ map: inout FeatureMap) {
        LayerProfile.measure("squeeze-excitation \(channels) \(map.height)x\(map.width)") { unprofiled(&map) }
    }

    private func unprofiled(_ map: inout FeatureMap) {
        precondition(map.channels == channels, "squeeze-and-excitation expects \(channels) channels, got \(map.channels)")
        let pixels = map.height * map.width
        map.data.withUnsafeMutableBufferPointer { x in
            for n in 0..<map.batch { scale(image: x.baseAddress! + n * pixels * channels, pixels: pixels) }
        }
    }

    /// One image [pixels, channels], in place.
    func scale(image x: UnsafeMutablePointer<Float>, pixels: Int) {
        let gate = self.gate(means: channelMeans(x, pixels: pixels))
        gate.withUnsafeBufferPointer { gate in
            for p in 0..<pixels {
                let pixel = x + p * channels
                for c in 0..<channels { pixel[c] *= gate[c] }
            }
        }
    }

    /// [pixels, channels] -> [channels]: the squeeze.
    func channelMeans(_ x: UnsafePointer<Float>, pixels: Int) -> [Float] {
        var sums = [Float](repeating: 0, count: channels)
        sums.withUnsafeMutableBufferPointer { sums in
            for p in 0..<pixels {
                let pixel = x + p * channels
                for c in 0..<channels { sums[c] += pixel[c] }
            }
        }
        let scale = 1 / Float(pixels)
        return sums.map { $0 * scale }
    }

    /// [channels] means -> [channels] gates in (0, 1): the excitation.
    func gate(means: [Float]) -> [Float] {
        let squeezed = (0..<squeezeChannels).map { j in
            scalarSiLU(dot(reduceWeights, row: j, means) + reduceBias[j])
        }
        return (0..<channels).map { c in sigmoid(dot(expandWeights, row: c, squeezed) + expandBias[c]) }
    }

    /// Row `row` of a row-major matrix with `vector.count` columns, dotted with `vector`.
    private func dot(_ matrix: [Float], row: Int, _ vector: [Float]) -> Float {
        let width = vector.count
        var sum: Float = 0
        for i in 0..<width { sum += matrix[row * width + i] * vector[i] }
        return sum
    }
}
