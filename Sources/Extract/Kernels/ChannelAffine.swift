import Shared

/// y = activation(x * scale + shift) per channel: a batch norm that cannot be folded into a convolution
/// because an activation sits between them (DenseNet's pre-activation BN -> ReLU -> conv).
public struct ChannelAffine: Sendable {
    public let scale: [Float]
    public let shift: [Float]
    public let activation: Activation

    public var channels: Int { scale.count }

    public init(scale: [Float], shift: [Float], activation: Activation) {
        precondition(scale.count == shift.count, "one shift per scale")
        (self.scale, self.shift, self.activation) = (scale, shift, activation)
    }

    /// Inference batch norm as x * scale + shift, scale = gamma / sqrt(var + eps) (computed in double).
    public init(batchNorm: BatchNorm, activation: Activation) {
        var scale: [Float] = [], shift: [Float] = []
        for c in batchNorm.gamma.indices {
            let s = Double(batchNorm.gamma[c]) / (Double(batchNorm.variance[c]) + Double(batchNorm.epsilon)).squareRoot()
            scale.append(Float(s))
            shift.append(Float(Double(batchNorm.beta[c]) - Double(batchNorm.mean[c]) * s))
        }
        self.init(scale: scale, shift: shift, activation: activation)
    }

    /// [N, H, W, C] with C >= channels -> [N, H, W, channels]: the first `channels` channels of each pixel,
    /// so a dense block's layer reads the prefix of its growing feature stack in place.
    public func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels >= channels, "affine over \(channels) channels, input has \(input.channels)")
        var output = FeatureMap(uninitializedBatch: input.batch, height: input.height, width: input.width,
                                channels: channels)
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                apply(pixels: input.pixelCount, x.baseAddress!, stride: input.channels, into: y.baseAddress!)
            }
        }
        return output
    }

    /// pixels rows of `stride` floats (the first `channels` read) -> pixels rows of `channels` floats.
    func apply(pixels: Int, _ x: UnsafePointer<Float>, stride: Int, into y: UnsafeMutablePointer<Float>) {
        let count = channels, vectorEnd = channels & ~7
        let bounds = ActivationBounds(activation)
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                let (a, b) = (scale.baseAddress!, shift.baseAddress!)
                for p in 0..<pixels {
                    let (source, destination) = (x + p * stride, y + p * count)
                    var c = 0
                    while c < vectorEnd {
                        var v = ChannelVector(loadingFrom: b + c)
                        v.addProduct(ChannelVector(loadingFrom: source + c), ChannelVector(loadingFrom: a + c))
                        bounds(v).store(to: destination + c)
                        c += 8
                    }
                    while c < count {
                        destination[c] = activation(b[c].addingProduct(source[c], a[c]))  // the same fused multiply-add
                        c += 1
                    }
                }
            }
        }
    }
}
