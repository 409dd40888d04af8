import CKernels
/// A 1x1 convolution's weights packed once, at load time, for `multiplyPacked`: panels of 16 output channels,
/// each [inputChannels][16] contiguous, so the kernel reads one cache line of weights per input channel and never
/// repacks them per call as a general GEMM does. The last panel holds the remaining channels rounded up to 8 with
/// zero columns (a 12-channel layer: one 16-wide panel of which 12 are stored), so every layer runs this kernel
/// and a result never depends on which BLAS kernel a CPU would pick.
struct PackedPointwiseWeights: Sendable {
    static let panelWidth = 16
    let inputChannels: Int
    let outputChannels: Int
    /// Panel p starts at p * inputChannels * 16 and is `storedWidth(p)` wide.
    let values: [Float]

    var panelCount: Int { (outputChannels + Self.panelWidth - 1) / Self.panelWidth }

    /// Output channels of the panel starting at channel `first`.
    @inline(__always)
    func width(from first: Int) -> Int { min(Self.panelWidth, outputChannels - first) }

    /// The panel's columns in memory: its width rounded up to whole 8-lane vectors.
    @inline(__always)
    static func storedWidth(_ width: Int) -> Int { (width + 7) & ~7 }

    /// weights: [out, in] row-major.
    init(weights: [Float], inputChannels: Int, outputChannels: Int) {
        precondition(outputChannels > 0 && weights.count == inputChannels * outputChannels,
                     "pointwise weights must be [out, in]")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        var packed = [Float](repeating: 0, count: inputChannels * Self.storedWidth(outputChannels % 16)
                             + inputChannels * (outputChannels / 16) * 16)
        var offset = 0
        var first = 0
        while first < outputChannels {
            let width = min(Self.panelWidth, outputChannels - first), stored = Self.storedWidth(width)
            for k in 0..<inputChannels {
                for j in 0..<width { packed[offset + k * stored + j] = weights[(first + j) * inputChannels + k] }
            }
            offset += inputChannels * stored
            first += width
        }
        values = packed
    }
}

/// One frame at a time, a layer's rows split over the cores in shares of whole 6-row tiles, at least 8 tiles
/// a share (each share then holds a full tile, as UnpaddedConvolution's shifted last group needs); nil when the map is too
/// small for that. Each output's sum runs in the same order wherever it falls, so no split changes a bit.
func tileShares(rows: Int, threads: Int) -> [Range<Int>]? {
    let tiles = (rows + 5) / 6
    guard threads > 1 && tiles >= 8 * threads else { return nil }
    return (0..<threads).map { part in
        tiles * part / threads * 6..<min(rows, tiles * (part + 1) / threads * 6)
    }
}

/// y[rows, N] = bounds(x[rows, K] * W + bias (+ shortcut)), W packed as above, by CKernels' register tiles (6 x 16
/// on AVX2, 12 x 32 on AVX-512); bias, residual and activation applied as a tile is stored, so the output is
/// written once.
/// `panels` limits the output to those 16-channel panels (the columns first * 16 ..< min(last * 16, N)).
func multiplyPacked(_ x: UnsafePointer<Float>, rows: Int, _ packed: PackedPointwiseWeights, bias: UnsafePointer<Float>,
                    shortcut: UnsafePointer<Float>?, bounds: ActivationBounds, into y: UnsafeMutablePointer<Float>,
                    panels: Range<Int>? = nil, isa: KernelISA = .active) {
    let k = packed.inputChannels, n = packed.outputChannels
    let panels = panels ?? 0..<packed.panelCount
    packed.values.withUnsafeBufferPointer { w in
        // 12 x 32 register tiles on AVX-512, 6 x 16 on AVX2; every panel and row, partial ones included.
        if isa == .avx512 {
            dfh_pointwise_panels_avx512(x, rows, k, w.baseAddress!, panels.lowerBound, panels.upperBound, bias,
                                        shortcut, n, bounds.lower[0], bounds.upper[0], y)
        } else {
            dfh_pointwise_panels_avx2(x, rows, k, w.baseAddress!, panels.lowerBound, panels.upperBound, bias,
                                      shortcut, n, bounds.lower[0], bounds.upper[0], y)
        }
    }
}
