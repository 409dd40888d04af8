import CBLAS

/// 1x1 convolution, stride 1, NHWC: a single GEMM [pixels, in] x [in, out] plus fused bias and activation.
public struct PointwiseConvolution: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    /// [out, in] row-major: torch's [out, in, 1, 1] with the unit dimensions dropped.
    let weights: [Float]
    let bias: [Float]
    public let activation: Activation

    public init(weights: [Float], bias: [Float], inputChannels: Int, activation: Activation) {
        precondition(weights.count == bias.count * inputChannels, "pointwise weights must be [out, in]")
        self.inputChannels = inputChannels
        self.outputChannels = bias.count
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    public func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == inputChannels, "pointwise conv expects \(inputChannels) channels, got \(input.channels)")
        var output = FeatureMap(uninitializedBatch: input.batch, height: input.height, width: input.width,
                                channels: outputChannels)
        let rows = input.pixelCount
        input.data.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                output.data.withUnsafeMutableBufferPointer { y in
                    // y[rows, out] = x[rows, in] * w[out, in]^T
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                                Int32(rows), Int32(outputChannels), Int32(inputChannels),
                                1, x.baseAddress, Int32(inputChannels), w.baseAddress, Int32(inputChannels),
                                0, y.baseAddress, Int32(outputChannels))
                    addBiasAndActivate(y.baseAddress!, rows: rows, bias: bias, activation: activation)
                }
            }
        }
        return output
    }
}
