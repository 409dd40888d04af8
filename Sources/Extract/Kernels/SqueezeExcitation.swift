/// Squeeze-and-excitation (Hu et al. 2018) with a SiLU bottleneck, as EfficientNet uses it: per image, the
/// channel means go through a 1x1 reduction + SiLU and a 1x1 expansion + sigmoid, and the gate scales every
/// pixel's channels. Needs the whole map of an image before its first pixel can be scaled.
public struct SqueezeExcitation: Sendable {
    public let channels: Int
    public let squeezeChannels: Int
    /// The two 1x1 layers, [squeeze, channels] and [channels, squeeze], packed for the 1x1 kernel and run on one
    /// row (the means): each output's sum is one FMA chain in input order, 16 outputs a vector, where a scalar dot
    /// product waits on each add's latency.
    let reduce: PackedPointwiseWeights
    let reduceBias: [Float]
    let expand: PackedPointwiseWeights
    let expandBias: [Float]

    public init(reduceWeights: [Float], reduceBias: [Float], expandWeights: [Float], expandBias: [Float]) {
        let (channels, squeeze) = (expandBias.count, reduceBias.count)
        precondition(reduceWeights.count == squeeze * channels && expandWeights.count == channels * squeeze,
                     "squeeze-and-excitation weights must be [squeeze, channels] and [channels, squeeze]")
        (self.channels, self.squeezeChannels) = (channels, squeeze)
        reduce = PackedPointwiseWeights(weights: reduceWeights, inputChannels: channels, outputChannels: squeeze)
        expand = PackedPointwiseWeights(weights: expandWeights, inputChannels: squeeze, outputChannels: channels)
        (self.reduceBias, self.expandBias) = (reduceBias, expandBias)
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
        let squeezed = Self.product(means, reduce, bias: reduceBias).map(scalarSiLU)
        return Self.product(squeezed, expand, bias: expandBias).map(sigmoid)
    }

    /// x [in] -> W x + bias [out], by the 1x1 kernel on one row.
    private static func product(_ x: [Float], _ weights: PackedPointwiseWeights, bias: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: weights.outputChannels) { y, count in
            x.withUnsafeBufferPointer { x in
                bias.withUnsafeBufferPointer { b in
                    multiplyPacked(x.baseAddress!, rows: 1, weights, bias: b.baseAddress!, shortcut: nil,
                                   bounds: ActivationBounds(.identity), into: y.baseAddress!)
                }
            }
            count = weights.outputChannels
        }
    }
}
