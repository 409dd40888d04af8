import Shared
import CBLAS

/// An ungrouped convolution's GEMM without im2col rows (the stems: 3x3, stride 2, 3 -> 32 channels).
/// In a zero-padded NHWC copy of the input, an output pixel's patch in [kh, kw, in] order is `kernelHeight`
/// runs of kernelWidth * inputChannels contiguous floats, one per kernel row, a padded row apart. So a tile
/// of six output pixels keeps six run pointers and walks the packed 16-wide weight panels a 1x1 layer uses,
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
                                let starts = (patchStart(q), patchStart(q + 1), patchStart(q + 2), patchStart(q + 3),
                                              patchStart(q + 4), patchStart(q + 5))
                                var panel = w
                                for column in Swift.stride(from: 0, to: outputs, by: 16) {
                                    tile6x16(x, starts, panel, b + column, bounds, y + q * outputs + column,
                                             n: outputs, runs: kernelHeight, runLength: runLength,
                                             runStride: runStride)
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

/// Six output pixels x 16 output channels: 12 accumulators, as in `multiplyPacked`'s 1x1 tile, with each
/// pixel's inputs read run by run (one run per kernel row) rather than from one contiguous im2col row.
@inline(__always)
private func tile6x16(_ x: UnsafePointer<Float>, _ starts: (Int, Int, Int, Int, Int, Int), _ w: UnsafePointer<Float>,
                      _ bias: UnsafePointer<Float>, _ bounds: ActivationBounds, _ c: UnsafeMutablePointer<Float>,
                      n: Int, runs: Int, runLength: Int, runStride: Int) {
    let bias0 = ChannelVector(loadingFrom: bias), bias1 = ChannelVector(loadingFrom: bias + 8)
    var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
    var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
    var panel = w
    for run in 0..<runs {
        let offset = run * runStride
        let a0 = x + starts.0 + offset, a1 = x + starts.1 + offset, a2 = x + starts.2 + offset
        let a3 = x + starts.3 + offset, a4 = x + starts.4 + offset, a5 = x + starts.5 + offset
        for i in 0..<runLength {
            let w0 = ChannelVector(loadingFrom: panel), w1 = ChannelVector(loadingFrom: panel + 8)
            var a = ChannelVector(repeating: a0[i])
            c00.addProduct(a, w0); c01.addProduct(a, w1)
            a = ChannelVector(repeating: a1[i])
            c10.addProduct(a, w0); c11.addProduct(a, w1)
            a = ChannelVector(repeating: a2[i])
            c20.addProduct(a, w0); c21.addProduct(a, w1)
            a = ChannelVector(repeating: a3[i])
            c30.addProduct(a, w0); c31.addProduct(a, w1)
            a = ChannelVector(repeating: a4[i])
            c40.addProduct(a, w0); c41.addProduct(a, w1)
            a = ChannelVector(repeating: a5[i])
            c50.addProduct(a, w0); c51.addProduct(a, w1)
            panel += 16
        }
    }
    @inline(__always) func store(_ v0: ChannelVector, _ v1: ChannelVector, row: Int) {
        bounds(v0).store(to: c + row * n)
        bounds(v1).store(to: c + row * n + 8)
    }
    store(c00, c01, row: 0); store(c10, c11, row: 1); store(c20, c21, row: 2)
    store(c30, c31, row: 3); store(c40, c41, row: 4); store(c50, c51, row: 5)
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
