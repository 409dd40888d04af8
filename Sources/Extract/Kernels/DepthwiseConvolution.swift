/// Depthwise convolution (groups == channels) over NHWC with fused bias and activation.
/// Vectorised over channels: each output pixel accumulates kh * kw channel-contiguous multiply-add runs.
public struct DepthwiseConvolution: Sendable {
    public let channels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Padding
    public let activation: Activation
    /// [kh, kw, channels]: one tap's weights contiguous across channels, like the input pixels.
    let weights: [Float]
    let bias: [Float]

    /// torchWeights: [channels, 1, k, k] (PyTorch layout), bias: [channels].
    public init(torchWeights: [Float], bias: [Float], kernelSize: Int, stride: Int, padding: Padding,
                activation: Activation) {
        let channels = bias.count
        precondition(torchWeights.count == channels * kernelSize * kernelSize, "depthwise weights must be [C, 1, k, k]")
        var reordered = [Float](repeating: 0, count: torchWeights.count)
        for c in 0..<channels {
            for tap in 0..<(kernelSize * kernelSize) {
                reordered[tap * channels + c] = torchWeights[c * kernelSize * kernelSize + tap]
            }
        }
        self.channels = channels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.activation = activation
        self.weights = reordered
        self.bias = bias
    }

    public func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == channels, "depthwise conv expects \(channels) channels, got \(input.channels)")
        let outputHeight = Padding.outputSize(input.height, kernel: kernelSize, stride: stride,
                                              before: padding.top, after: padding.bottom)
        let outputWidth = Padding.outputSize(input.width, kernel: kernelSize, stride: stride,
                                             before: padding.left, after: padding.right)
        var output = FeatureMap(uninitializedBatch: input.batch, height: outputHeight, width: outputWidth,
                                channels: channels)
        let imageInput = input.height * input.width * channels
        let imageOutput = outputHeight * outputWidth * channels
        // Sequential over images: callers (the backbones) already spread frames over the cores.
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                for n in 0..<input.batch {
                    convolveImage(x.baseAddress! + n * imageInput, into: y.baseAddress! + n * imageOutput,
                                  height: input.height, width: input.width,
                                  outputHeight: outputHeight, outputWidth: outputWidth)
                }
            }
        }
        return output
    }

    private func convolveImage(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, height: Int, width: Int,
                               outputHeight: Int, outputWidth: Int) {
        let channels = channels
        let kernelSize = kernelSize
        let vectorChannels = channels - channels % ChannelVector.scalarCount
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                let w = w.baseAddress!
                let b = b.baseAddress!
                for oy in 0..<outputHeight {
                    let firstRow = oy * stride - padding.top
                    let kyStart = max(0, -firstRow)
                    let kyEnd = min(kernelSize, height - firstRow)
                    for ox in 0..<outputWidth {
                        let firstColumn = ox * stride - padding.left
                        let kxStart = max(0, -firstColumn)
                        let kxEnd = min(kernelSize, width - firstColumn)
                        let out = y + (oy * outputWidth + ox) * channels
                        // Each block of channels sums all its taps in registers and is stored once, activated.
                        var c = 0
                        while c < vectorChannels {
                            var sum = ChannelVector(loadingFrom: b + c)
                            for ky in kyStart..<kyEnd {
                                let pixels = x + ((firstRow + ky) * width + firstColumn) * channels + c
                                let taps = w + ky * kernelSize * channels + c
                                for kx in kxStart..<kxEnd {
                                    sum.addProduct(ChannelVector(loadingFrom: pixels + kx * channels),
                                                   ChannelVector(loadingFrom: taps + kx * channels))
                                }
                            }
                            activation.apply(to: sum).store(to: out + c)
                            c += ChannelVector.scalarCount
                        }
                        while c < channels {
                            var sum = b[c]
                            for ky in kyStart..<kyEnd {
                                let pixels = x + ((firstRow + ky) * width + firstColumn) * channels + c
                                let taps = w + ky * kernelSize * channels + c
                                for kx in kxStart..<kxEnd { sum += pixels[kx * channels] * taps[kx * channels] }
                            }
                            out[c] = activation(sum)
                            c += 1
                        }
                    }
                }
            }
        }
    }
}
