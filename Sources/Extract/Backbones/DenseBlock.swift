import Shared

/// One layer of a dense block (Huang et al. 2017, DenseNet-B): BN-ReLU-1x1 conv (to 4 x growth channels),
/// BN-ReLU-3x3 conv (to growth channels). The first BN cannot be folded (a ReLU sits between it and the
/// convolution), so it runs as a per-channel affine; the second is folded into the 1x1 conv, its ReLU fused.
struct DenseLayer: Sendable {
    /// norm1 + relu1 over the layer's input channels.
    let norm1: ChannelAffine
    /// conv1 + norm2 + relu2: 1x1, in -> 4 growth.
    let conv1: PointwiseConvolution
    /// conv2: 3x3, 4 growth -> growth, no bias.
    let conv2: Convolution

    /// [N, H, W, >= in] (the first `in` channels read) -> [N, H, W, growth].
    func callAsFunction(_ stack: FeatureMap) -> FeatureMap {
        conv2(conv1(norm1(stack)))
    }
}

/// A dense block: each layer sees the concatenation of the block input and every earlier layer's output.
/// The block's full-width map is allocated once and each layer's output is written into its channel slice,
/// so the growing concatenation is never copied; a layer reads its input as the prefix of that map.
struct DenseBlock: Sendable {
    let layers: [DenseLayer]
    let growthRate: Int

    /// [N, H, W, in] -> [N, H, W, in + layers x growth].
    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let channels = input.channels + layers.count * growthRate
        // Channels past a layer's input are written by that layer before any later layer reads them.
        var stack = FeatureMap(uninitializedBatch: input.batch, height: input.height, width: input.width,
                               channels: channels)
        write(input, into: &stack, at: 0)
        for (index, layer) in layers.enumerated() {
            write(layer(stack), into: &stack, at: input.channels + index * growthRate)
        }
        return stack
    }

    /// Copies each pixel's channels of `part` into channels offset..<offset + part.channels of `stack`.
    private func write(_ part: FeatureMap, into stack: inout FeatureMap, at offset: Int) {
        let (width, total) = (part.channels, stack.channels)
        part.data.withUnsafeBufferPointer { x in
            stack.data.withUnsafeMutableBufferPointer { y in
                for p in 0..<part.pixelCount {
                    (y.baseAddress! + p * total + offset).update(from: x.baseAddress! + p * width, count: width)
                }
            }
        }
    }
}

/// Between dense blocks: BN-ReLU, 1x1 conv halving the channels, 2x2 average pool with stride 2.
/// The pool runs before the convolution: both are linear (the conv has no bias), so they commute, and the
/// 1x1 conv then multiplies a quarter of the pixels.
struct Transition: Sendable {
    let norm: ChannelAffine
    let pool = AveragePool(kernel: 2, stride: 2)
    let conv: PointwiseConvolution

    /// [N, H, W, C] -> [N, H / 2, W / 2, C / 2].
    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        conv(pool(norm(input)))
    }
}
