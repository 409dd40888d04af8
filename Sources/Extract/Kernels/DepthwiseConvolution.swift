import Shared

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
    /// AVX-512 runs the interior pixels' whole 16-channel vectors where the CPU has it (the same bits as AVX2).
    var isa = KernelISA.active

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
        LayerProfile.measure("depthwise \(kernelSize)x\(kernelSize)/\(stride) \(channels) "
                             + "\(input.height)x\(input.width)") {
            unprofiled(input)
        }
    }

    private func unprofiled(_ input: FeatureMap) -> FeatureMap {
        precondition(input.channels == channels, "depthwise conv expects \(channels) channels, got \(input.channels)")
        let outputHeight = Padding.outputSize(input.height, kernel: kernelSize, stride: stride,
                                              before: padding.top, after: padding.bottom)
        let outputWidth = Padding.outputSize(input.width, kernel: kernelSize, stride: stride,
                                             before: padding.left, after: padding.right)
        var output = FeatureMap(uninitializedBatch: input.batch, height: outputHeight, width: outputWidth,
                                channels: channels)
        let imageInput = input.height * input.width * channels
        let imageOutput = outputHeight * outputWidth * channels
        let ahead = imageInput * MemoryLayout<Float>.size >= Self.prefetchedImageBytes && channels >= 64
        // One frame at a time, this layer splits its rows over the cores (inside a loop over frames: one part).
        let parts = max(1, min(CoreBudget.current, outputHeight))
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                let (x, y) = (x.baseAddress!, y.baseAddress!)
                parallelFor(count: input.batch * parts) { job in
                    let (n, part) = job.quotientAndRemainder(dividingBy: parts)
                    convolveImage(x + n * imageInput, into: y + n * imageOutput,
                                  height: input.height, width: input.width, outputHeight: outputHeight,
                                  outputWidth: outputWidth,
                                  rows: outputHeight * part / parts..<outputHeight * (part + 1) / parts,
                                  inputRowBase: 0, outputRowBase: 0, prefetchingAhead: ahead)
                }
            }
        }
        return output
    }

    /// Images of at least this many bytes, of 64 or more channels, have their interior kernels prefetch the next
    /// pixels' new input columns and outputs: such an image is past a core's L2 (512 KB on Zen 3), and a kernel
    /// reads a pixel's channels in lines that jump its 256+ bytes apart, a pattern the hardware prefetchers do not
    /// follow. Measured on Zen 3: Xception's 74- and 147-pixel layers ~35% faster; EfficientNet's 14-pixel ones
    /// (a row of one 8-pixel group) slower, its 32-channel 112-pixel one unchanged.
    static let prefetchedImageBytes = 1 << 20

    /// Output rows `outputRows` of one height x width image, for callers that hold only a band of it (in L2:
    /// no prefetching):
    /// `input` starts at input row `inputRowBase` and must hold every row those outputs read (rows outside
    /// the image count as padding); `output` receives the rows [outputRows.count, outputWidth, channels].
    func convolveRows(_ outputRows: Range<Int>, of input: UnsafePointer<Float>, inputRowBase: Int, height: Int,
                      width: Int, into output: UnsafeMutablePointer<Float>) {
        let outputHeight = Padding.outputSize(height, kernel: kernelSize, stride: stride,
                                              before: padding.top, after: padding.bottom)
        let outputWidth = Padding.outputSize(width, kernel: kernelSize, stride: stride,
                                             before: padding.left, after: padding.right)
        precondition(outputRows.lowerBound >= 0 && outputRows.upperBound <= outputHeight, "depthwise rows out of range")
        convolveImage(input, into: output, height: height, width: width, outputHeight: outputHeight,
                      outputWidth: outputWidth, rows: outputRows, inputRowBase: inputRowBase,
                      outputRowBase: outputRows.lowerBound, prefetchingAhead: false)
    }

    /// Input rows (clipped to the image) that output rows `outputRows` read.
    func inputRows(for outputRows: Range<Int>, height: Int) -> Range<Int> {
        let first = max(0, outputRows.lowerBound * stride - padding.top)
        let last = min(height, (outputRows.upperBound - 1) * stride - padding.top + kernelSize)
        return first..<max(first, last)
    }

    private func convolveImage(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, height: Int, width: Int,
                               outputHeight: Int, outputWidth: Int, rows outputRows: Range<Int>,
                               inputRowBase: Int, outputRowBase: Int, prefetchingAhead ahead: Bool) {
        // Rows are addressed relative to the bases, so x and y may hold only a band of the image.
        // Output columns whose whole kernel row lies inside the image: no column clipping there.
        let interiorStart = min(outputWidth, (padding.left + stride - 1) / stride)
        let interiorEnd = max(interiorStart, min(outputWidth, (width + padding.left - kernelSize) / stride + 1))
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                for oy in outputRows {
                    let firstRow = oy * stride - padding.top
                    let rows = max(0, -firstRow)..<min(kernelSize, height - firstRow)
                    var ox = 0
                    // 5x5 stride 1 (EfficientNet's small maps, where edge pixels are most of a row): edges go four
                    // at a time with out-of-image columns read as zeros, overlapping the interior if need be.
                    let clippedFours = kernelSize == 5 && stride == 1 && outputWidth >= 4 && interiorStart <= 4
                    if clippedFours && interiorStart > 0 {
                        convolveFourPixels5x5Clipped(x, into: y, w.baseAddress!, b.baseAddress!, width: width,
                                                     outputWidth: outputWidth, oy: oy, ox: 0, rows: rows,
                                                     inputRowBase: inputRowBase, outputRowBase: outputRowBase)
                        ox = 4
                    }
                    while ox < interiorStart {
                        convolvePixel(x, into: y, w.baseAddress!, b.baseAddress!, width: width, outputWidth: outputWidth,
                                      oy: oy, ox: ox, rows: rows, inputRowBase: inputRowBase,
                                      outputRowBase: outputRowBase)
                        ox += 1
                    }
                    if (kernelSize == 3 || kernelSize == 5) && stride == 1 {
                        while ox + 8 <= interiorEnd {
                            convolveEightInteriorPixels(x, into: y, w.baseAddress!, b.baseAddress!, width: width,
                                                        outputWidth: outputWidth, oy: oy, ox: ox, rows: rows,
                                                        inputRowBase: inputRowBase, outputRowBase: outputRowBase,
                                                        prefetchingAhead: ahead)
                            ox += 8
                        }
                    }
                    while !clippedFours && ox + 4 <= interiorEnd {
                        convolveFourInteriorPixels(x, into: y, w.baseAddress!, b.baseAddress!, width: width,
                                                   outputWidth: outputWidth, oy: oy, ox: ox, rows: rows,
                                                   inputRowBase: inputRowBase, outputRowBase: outputRowBase,
                                                   prefetchingAhead: ahead)
                        ox += 4
                    }
                    while clippedFours && ox < outputWidth {
                        // Interior fours after the eights, then edges; the last group ends at the last output, and
                        // any output it repeats is recomputed to the same value.
                        convolveFourPixels5x5Clipped(x, into: y, w.baseAddress!, b.baseAddress!, width: width,
                                                     outputWidth: outputWidth, oy: oy, ox: min(ox, outputWidth - 4),
                                                     rows: rows, inputRowBase: inputRowBase,
                                                     outputRowBase: outputRowBase)
                        ox += 4
                    }
                    while ox < outputWidth {
                        convolvePixel(x, into: y, w.baseAddress!, b.baseAddress!, width: width, outputWidth: outputWidth,
                                      oy: oy, ox: ox, rows: rows, inputRowBase: inputRowBase,
                                      outputRowBase: outputRowBase)
                        ox += 1
                    }
                    // SiLU on the row just written, while it is in L1.
                    if activation == .silu {
                        applySiLU(y + (oy - outputRowBase) * outputWidth * channels, count: outputWidth * channels)
                    }
                }
            }
        }
    }
}
