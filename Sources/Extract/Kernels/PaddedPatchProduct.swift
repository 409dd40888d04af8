import CKernels
import Shared

/// An ungrouped convolution's GEMM without im2col rows (the stems: 3x3, stride 2, 3 -> 32 channels).
/// In a zero-padded NHWC copy of the input, an output pixel's patch in [kh, kw, in] order is `kernelHeight`
/// runs of kernelWidth * inputChannels contiguous floats, one per kernel row, a padded row apart. So the
/// 1x1 layers' register tiles (CKernels' patch products) run on pixels' run pointers over the same packed weight
/// panels, summing in the same order as the im2col product (bit-identical results) without writing and re-reading
/// a [pixels, kh * kw * in] matrix: for a 224 x 224 stem that matrix is 1.35 MB a frame, built from 37,632
/// nine-float copies.
struct PaddedPatchProduct: Sendable {
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padding: Padding
    let inputChannels: Int
    /// The layer's product as a 1x1 layer over [kh * kw * in] patches: its packed weights, bias and activation.
    let patches: PointwiseConvolution
    let packed: PackedPointwiseWeights

    /// nil unless the product runs on whole 16-wide weight panels (both stems: 32 outputs).
    init?(kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Padding, inputChannels: Int,
          patches: PointwiseConvolution) {
        let packed = patches.packed
        guard packed.outputChannels % PackedPointwiseWeights.panelWidth == 0 else {
            return nil
        }
        (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (kernelHeight, kernelWidth, stride, padding)
        self.inputChannels = inputChannels
        self.patches = patches
        self.packed = packed
    }

    /// input [N, H, W, in] -> output [N, outputHeight, outputWidth, out] (the caller's shape arithmetic), at
    /// least one full tile of 6 output pixels (smaller maps take the im2col path).
    /// threads: how many cores one call may split over (callers spreading frames over the cores set BLAS to
    /// one thread, which this follows by default).
    func callAsFunction(_ input: FeatureMap, outputHeight: Int, outputWidth: Int,
                        threads: Int = CoreBudget.current, isa: KernelISA = .active) -> FeatureMap {
        let paddedHeight = input.height + padding.top + padding.bottom
        let paddedWidth = input.width + padding.left + padding.right
        let padded = paddedCopy(input, height: paddedHeight, width: paddedWidth)
        var output = FeatureMap(uninitializedBatch: input.batch, height: outputHeight, width: outputWidth,
                                channels: packed.outputChannels)
        let pixels = output.pixelCount
        precondition(pixels >= 6, "the padded patch product needs at least 6 output pixels")
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
                    patches.bias.withUnsafeBufferPointer { b in
                        let (x, y, w, b) = (x.baseAddress!, y.baseAddress!, w.baseAddress!, b.baseAddress!)
                        let bounds = ActivationBounds(patches.activation)
                        // Output pixels `share`: 12 x 32 register tiles on AVX-512, 6 x 16 on AVX2, the last
                        // pixels as one exact tile (the same sums in the same order).
                        func run(_ share: Range<Int>) {
                            let starts = share.map { UnsafePointer<Float>?(x + patchStart($0)) }
                            let out = y + share.lowerBound * outputs
                            if isa == .avx512 {
                                dfh_patch_panels_avx512(starts, share.count, kernelHeight, runLength, runStride, w,
                                                        outputs / 16, b, bounds.lower[0], bounds.upper[0], out)
                            } else {
                                dfh_patch_panels_avx2(starts, share.count, kernelHeight, runLength, runStride, w,
                                                      outputs / 16, b, bounds.lower[0], bounds.upper[0], out)
                            }
                        }
                        if let shares = tileShares(rows: pixels, threads: threads) {
                            parallelFor(count: shares.count) { run(shares[$0]) }
                        } else {
                            run(0..<pixels)
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
