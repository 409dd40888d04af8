import Shared
import CBLAS

/// An ungrouped convolution's GEMM without im2col rows (the stems: 3x3, stride 2, 3 -> 32 channels).
/// In a zero-padded NHWC copy of the input, an output pixel's patch in [kh, kw, in] order is `kernelHeight`
/// runs of kernelWidth * inputChannels contiguous floats, one per kernel row, a padded row apart. So the
/// 1x1 layers' 6 x 16 tile (`tile6x16`) runs on six pixels' run pointers over the same packed weight panels,
/// summing in the same order as the im2col product (bit-identical results) without writing and re-reading
/// a [pixels, kh * kw * in] matrix: for a 224 x 224 stem that matrix is 1.35 MB a frame, built from 37,632
/// nine-float copies.
struct PaddedPatchProduct: Sendable {
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padding: Padding
    let inputChannels: Int
    /// [kh * kw * in, out] in 16-wide panels; out must be a multiple of 16.
    let packed: PackedPointwiseWeights
    let bias: [Float]
    let activation: Activation

    static func supports(outputChannels: Int) -> Bool { outputChannels % PackedPointwiseWeights.panelWidth == 0 }

    /// input [N, H, W, in] -> output [N, outputHeight, outputWidth, out] (the caller's shape arithmetic).
    /// threads: how many cores one call may split over (callers spreading frames over the cores set BLAS to
    /// one thread, which this follows by default).
    func callAsFunction(_ input: FeatureMap, outputHeight: Int, outputWidth: Int,
                        threads: Int = Int(openblas_get_num_threads())) -> FeatureMap {
        let paddedHeight = input.height + padding.top + padding.bottom
        let paddedWidth = input.width + padding.left + padding.right
        let padded = paddedCopy(input, height: paddedHeight, width: paddedWidth)
        var output = FeatureMap(uninitializedBatch: input.batch, height: outputHeight, width: outputWidth,
                                channels: packed.outputChannels)
        let pixels = output.pixelCount
        let (channels, outputs) = (inputChannels, packed.outputChannels)
        // Where output pixel q's patch starts in the padded input.
        func patchStart(_ q: Int) -> Int {
            let (n, position) = q.quotientAndRemainder(dividingBy: outputHeight * outputWidth)
            let (oy, ox) = position.quotientAndRemainder(dividingBy: outputWidth)
            return ((n * paddedHeight + oy * stride) * paddedWidth + ox * stride) * channels
        }
        let runLength = kernelWidth * channels
        let runStride = paddedWidth * channels
        padded.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                packed.values.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        let (x, y, w, b) = (x.baseAddress!, y.baseAddress!, w.baseAddress!, b.baseAddress!)
                        let bounds = ActivationBounds(activation)
                        // Output pixels first..<end, six at a time; a short last group becomes a full tile ending
                        // at `end` whose repeated pixels are computed again identically.
                        func run(_ first: Int, _ end: Int) {
                            var q = first
                            while q < end {
                                if end - q < 6 {
                                    if end - first >= 6 { q = end - 6 } else {
                                        for r in q..<end {
                                            pixelByPanels(x + patchStart(r), w, b, bounds, y + r * outputs,
                                                          outputs: outputs, runs: kernelHeight,
                                                          runLength: runLength, runStride: runStride)
                                        }
                                        return
                                    }
                                }
                                let rows = (x + patchStart(q), x + patchStart(q + 1), x + patchStart(q + 2),
                                            x + patchStart(q + 3), x + patchStart(q + 4), x + patchStart(q + 5))
                                var panel = w
                                for column in Swift.stride(from: 0, to: outputs, by: 16) {
                                    tile6x16(rows, runs: kernelHeight, runLength: runLength, runStride: runStride,
                                             panel, b + column, nil, n: outputs, bounds, y + q * outputs + column)
                                    panel += packed.inputChannels * 16
                                }
                                q += 6
                            }
                        }
                        // One frame at a time, whole 6-pixel tiles split over the cores, as the 1x1 layers do.
                        let tiles = (pixels + 5) / 6
                        if threads > 1 && tiles >= 8 * threads {
                            let chunk = (tiles + threads - 1) / threads * 6
                            parallelFor(count: (pixels + chunk - 1) / chunk) { part in
                                run(part * chunk, min(pixels, (part + 1) * chunk))
                            }
                        } else {
                            run(0, pixels)
                        }
                    }
                }
            }
        }
        return output
    }

    /// [N, H + top + bottom, W + left + right, in] with zeros around the input.
    private func paddedCopy(_ input: FeatureMap, height paddedHeight: Int, width paddedWidth: Int) -> [Float] {
        let channels = input.channels
        let count = input.batch * paddedHeight * paddedWidth * channels
        var padded = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        input.data.withUnsafeBufferPointer { x in
            padded.withUnsafeMutableBufferPointer { p in
                let rowFloats = input.width * channels
                let paddedRowFloats = paddedWidth * channels
                for n in 0..<input.batch {
                    let image = p.baseAddress! + n * paddedHeight * paddedRowFloats
                    for row in 0..<paddedHeight {
                        let line = image + row * paddedRowFloats
                        let y = row - padding.top
                        guard y >= 0 && y < input.height else {
                            line.initialize(repeating: 0, count: paddedRowFloats)
                            continue
                        }
                        line.initialize(repeating: 0, count: padding.left * channels)
                        (line + padding.left * channels).update(
                            from: x.baseAddress! + (n * input.height + y) * rowFloats, count: rowFloats)
                        (line + padding.left * channels + rowFloats).initialize(repeating: 0,
                                                                                count: padding.right * channels)
                    }
                }
            }
        }
        return padded
    }
}

/// One output pixel, 8 channels at a time (maps of fewer than six pixels).
private func pixelByPanels(_ a: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                           _ bounds: ActivationBounds, _ c: UnsafeMutablePointer<Float>, outputs: Int, runs: Int,
                           runLength: Int, runStride: Int) {
    let k = runs * runLength
    for column in stride(from: 0, to: outputs, by: 8) {
        // Column j of 16-wide panel p sits at p * k * 16 + i * 16 + j.
        let panel = w + column / 16 * k * 16 + column % 16
        var sum = ChannelVector(loadingFrom: bias + column)
        for run in 0..<runs {
            for i in 0..<runLength {
                sum.addProduct(ChannelVector(repeating: a[run * runStride + i]),
                               ChannelVector(loadingFrom: panel + (run * runLength + i) * 16))
            }
        }
        bounds(sum).store(to: c + column)
    }
}
