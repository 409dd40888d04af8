import CBLAS

/// General 2-D convolution (any kernel, stride, padding, groups) over NHWC, with fused bias and activation: by
/// Winograd's F(2x2, 3x3) or F(4x4, 3x3) where it applies, else as a patch product (im2col rows, or read straight from a padded
/// copy) on the packed 1x1 kernel. 1x1 and depthwise layers have their own layers.
public struct Convolution: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: Int
    public let groups: Int
    public let padding: Padding
    public let activation: Activation
    /// [out, kh, kw, in/groups]: each output channel's filter in the same order as an im2col row.
    let weights: [Float]
    let bias: [Float]
    /// Ungrouped: the GEMM over im2col rows is a 1x1 convolution with patch-sized inputs, so it runs on that
    /// layer's packed-weights kernel (bias and activation fused).
    let patchProduct: PointwiseConvolution?
    /// Ungrouped with output channels in whole 16-wide panels (both stems): the same product read straight
    /// from a zero-padded copy of the input, no im2col rows (`patchProduct` then serves only maps under 6 pixels).
    let paddedPatchProduct: PaddedPatchProduct?
    /// 3x3, stride 1, padding 1 or none, ungrouped (ResNet's, DenseNet's and Inception's middle layers, Inception's
    /// and Xception's stems): Winograd's F(m x m, 3x3), 2.25x (m = 2) or 4x (m = 4) fewer products, on frames of
    /// at least `Winograd3x3.minimumTiles` output tiles.
    let winograd: Winograd3x3?

    /// torchWeights: [out, in/groups, kh, kw] (PyTorch layout), bias: [out]; winogradTile: the output tile's
    /// side m where Winograd applies (2 or 4).
    public init(torchWeights: [Float], bias: [Float], inputChannels: Int, kernelHeight: Int, kernelWidth: Int,
                stride: Int, padding: Padding, groups: Int = 1, activation: Activation, winogradTile: Int = 2) {
        let outputChannels = bias.count
        let groupInputs = inputChannels / groups
        precondition(inputChannels % groups == 0 && outputChannels % groups == 0, "channels must divide into groups")
        precondition(torchWeights.count == outputChannels * groupInputs * kernelHeight * kernelWidth,
                     "convolution weights must be [out, in/groups, kh, kw]")
        var reordered = [Float](repeating: 0, count: torchWeights.count)
        for o in 0..<outputChannels {
            for ci in 0..<groupInputs {
                for ky in 0..<kernelHeight {
                    for kx in 0..<kernelWidth {
                        let torchIndex = ((o * groupInputs + ci) * kernelHeight + ky) * kernelWidth + kx
                        reordered[((o * kernelHeight + ky) * kernelWidth + kx) * groupInputs + ci] = torchWeights[torchIndex]
                    }
                }
            }
        }
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.groups = groups
        self.padding = padding
        self.activation = activation
        self.weights = reordered
        self.bias = bias
        self.patchProduct = groups == 1
            ? PointwiseConvolution(weights: reordered, bias: bias, inputChannels: groupInputs * kernelHeight * kernelWidth,
                                   activation: activation)
            : nil
        winograd = Winograd3x3.applies(kernel: kernelHeight == kernelWidth ? kernelHeight : 0, stride: stride,
                                       padding: padding, groups: groups, inputs: inputChannels, outputs: outputChannels)
            ? Winograd3x3(torchWeights: torchWeights, bias: bias, inputChannels: inputChannels, activation: activation,
                          tile: winogradTile, padding: padding.top)
            : nil
        paddedPatchProduct = patchProduct.flatMap {
            PaddedPatchProduct(kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding,
                               inputChannels: inputChannels, patches: $0)
        }
    }

    public func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        LayerProfile.measure("conv \(kernelHeight)x\(kernelWidth)/\(stride) \(inputChannels)->\(outputChannels) "
                             + "\(input.height)x\(input.width)") {
            unprofiled(input)
        }
    }

    private func unprofiled(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == inputChannels, "convolution expects \(inputChannels) channels, got \(input.channels)")
        let (outputHeight, outputWidth) = outputSize(input)
        var output: FeatureMap
        if let winograd, winograd.suits(input) {
            output = winograd(input)
        } else if let paddedPatchProduct, input.batch * outputHeight * outputWidth >= 6 {
            output = paddedPatchProduct(input, outputHeight: outputHeight, outputWidth: outputWidth)
        } else {
            // Maps of fewer than six output pixels (no full tile) are left to the general path.
            return im2colProduct(input)
        }
        // Both kernels' stores only clamp: SiLU gets a pass of its own over the output, written once.
        if activation == .silu {
            output.data.withUnsafeMutableBufferPointer { applySiLU($0.baseAddress!, count: $0.count) }
        }
        return output
    }

    func outputSize(_ input: FeatureMap) -> (height: Int, width: Int) {
        (Padding.outputSize(input.height, kernel: kernelHeight, stride: stride, before: padding.top, after: padding.bottom),
         Padding.outputSize(input.width, kernel: kernelWidth, stride: stride, before: padding.left, after: padding.right))
    }

    /// The general path: im2col rows per group, then a GEMM (the packed 1x1 kernel when ungrouped).
    func im2colProduct(_ input: FeatureMap) -> FeatureMap {
        let (outputHeight, outputWidth) = outputSize(input)
        var output = FeatureMap(uninitializedBatch: input.batch, height: outputHeight, width: outputWidth,
                                channels: outputChannels)
        let groupInputs = inputChannels / groups
        let groupOutputs = outputChannels / groups
        let patch = kernelHeight * kernelWidth * groupInputs
        let rows = output.pixelCount
        // im2col matrix [rows, kh * kw * in/groups], rebuilt for each group (every element written, padding as 0).
        var columns = [Float](unsafeUninitializedCapacity: rows * patch) { _, initialized in initialized = rows * patch }
        if let patchProduct {
            input.data.withUnsafeBufferPointer { x in
                columns.withUnsafeMutableBufferPointer { columns in
                    output.data.withUnsafeMutableBufferPointer { y in
                        fillColumns(columns.baseAddress!, from: x.baseAddress!, input: input, group: 0,
                                    outputHeight: outputHeight, outputWidth: outputWidth)
                        patchProduct.apply(rows: rows, columns.baseAddress!, into: y.baseAddress!, adding: nil)
                    }
                }
            }
            return output
        }
        input.data.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                columns.withUnsafeMutableBufferPointer { columns in
                    output.data.withUnsafeMutableBufferPointer { y in
                        for group in 0..<groups {
                            fillColumns(columns.baseAddress!, from: x.baseAddress!, input: input, group: group,
                                        outputHeight: outputHeight, outputWidth: outputWidth)
                            // y[rows, group outputs] = columns[rows, patch] * w[group outputs, patch]^T
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                                        Int32(rows), Int32(groupOutputs), Int32(patch),
                                        1, columns.baseAddress, Int32(patch),
                                        w.baseAddress! + group * groupOutputs * patch, Int32(patch),
                                        0, y.baseAddress! + group * groupOutputs, Int32(outputChannels))
                        }
                        addBiasAndActivate(y.baseAddress!, rows: rows, bias: bias, activation: activation)
                    }
                }
            }
        }
        return output
    }

    /// Copies every receptive field of one group's input channels into a row; padding reads as zero.
    private func fillColumns(_ columns: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>, input: FeatureMap,
                             group: Int, outputHeight: Int, outputWidth: Int) {
        let groupInputs = inputChannels / groups
        let patch = kernelHeight * kernelWidth * groupInputs
        for n in 0..<input.batch {
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    let row = columns + ((n * outputHeight + oy) * outputWidth + ox) * patch
                    let firstColumn = ox * stride - padding.left
                    let columnsInside = firstColumn >= 0 && firstColumn + kernelWidth <= input.width
                    for ky in 0..<kernelHeight {
                        let iy = oy * stride - padding.top + ky
                        if groups == 1 && columnsInside && iy >= 0 && iy < input.height {
                            // NHWC keeps a whole kernel row of pixels contiguous: one copy per row.
                            let source = x + ((n * input.height + iy) * input.width + firstColumn) * inputChannels
                            (row + ky * kernelWidth * groupInputs).update(from: source, count: kernelWidth * inputChannels)
                            continue
                        }
                        for kx in 0..<kernelWidth {
                            let ix = ox * stride - padding.left + kx
                            let destination = row + (ky * kernelWidth + kx) * groupInputs
                            if iy < 0 || iy >= input.height || ix < 0 || ix >= input.width {
                                for ci in 0..<groupInputs { destination[ci] = 0 }
                            } else {
                                let source = x + ((n * input.height + iy) * input.width + ix) * inputChannels
                                    + group * groupInputs
                                for ci in 0..<groupInputs { destination[ci] = source[ci] }
                            }
                        }
                    }
                }
            }
        }
    }
}
