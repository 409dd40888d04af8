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
/// a share (each share then holds a full tile, so no share needs the one-row tail); nil when the map is too
/// small for that. Each output's sum runs in the same order wherever it falls, so no split changes a bit.
func tileShares(rows: Int, threads: Int) -> [Range<Int>]? {
    let tiles = (rows + 5) / 6
    guard threads > 1 && tiles >= 8 * threads else { return nil }
    return (0..<threads).map { part in
        tiles * part / threads * 6..<min(rows, tiles * (part + 1) / threads * 6)
    }
}

/// y[rows, N] = bounds(x[rows, K] * W + bias (+ shortcut)), W packed as above: on AVX2, a 6 x 16 register tile per step
/// (12 accumulators, 2 weight vectors and a broadcast fill 15 of the 16 AVX registers), bias, residual and
/// activation applied as the tile is stored, so the output is written once.
/// `panels` limits the output to those 16-channel panels (the columns first * 16 ..< min(last * 16, N)).
func multiplyPacked(_ x: UnsafePointer<Float>, rows: Int, _ packed: PackedPointwiseWeights, bias: UnsafePointer<Float>,
                    shortcut: UnsafePointer<Float>?, bounds: ActivationBounds, into y: UnsafeMutablePointer<Float>,
                    panels: Range<Int>? = nil, isa: KernelISA = .active) {
    let k = packed.inputChannels, n = packed.outputChannels
    let panels = panels ?? 0..<packed.panelCount
    packed.values.withUnsafeBufferPointer { w in
        // On AVX-512 every panel, a partial last one included, and every row run on the 12 x 32 tiles.
        if isa == .avx512 {
            dfh_pointwise_panels_avx512(x, rows, k, w.baseAddress!, panels.lowerBound, panels.upperBound, bias,
                                        shortcut, n, bounds.lower[0], bounds.upper[0], y)
            return
        }
        let firstColumn = panels.lowerBound * PackedPointwiseWeights.panelWidth
        let endColumn = min(n, panels.upperBound * PackedPointwiseWeights.panelWidth)
        var row = 0
        while row < rows {
            // A short last block becomes a full tile ending at the last row: the rows it repeats are computed
            // again identically, and one-row-at-a-time tails (one FMA chain each) are left to maps under 6 rows.
            if rows - row < 6 && rows >= 6 { row = rows - 6 }
            let tileRows = min(6, rows - row)
            var first = firstColumn
            var panel = w.baseAddress! + firstColumn * k
            while first < endColumn {
                let width = packed.width(from: first)
                let a = x + row * k
                let c = y + row * n + first
                let s = shortcut.map { $0 + row * n + first }
                if tileRows == 6 && width == 16 {
                    let rows = (a, a + k, a + 2 * k, a + 3 * k, a + 4 * k, a + 5 * k)
                    tile6x16(rows, runLength: k, panel, bias + first, s, n: n, bounds, c)
                } else if tileRows == 6 && width == 8 {
                    tile6x8(a, k: k, panel, bias + first, s, n: n, bounds, c)
                } else {
                    tileAny(a, rows: tileRows, k: k, panel, width: width, bias + first, s, n: n, bounds, c)
                }
                panel += k * PackedPointwiseWeights.storedWidth(width)
                first += width
            }
            row += tileRows
        }
    }
}

/// Six input rows of a 6 x 16 tile. A 1x1 layer's rows are whole [K] rows; a convolution read without im2col
/// (`PaddedPatchProduct`) gives each output pixel's patch as `runs` runs, one per kernel row, `runStride` apart.
typealias SixRows = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                     UnsafePointer<Float>, UnsafePointer<Float>)

/// The 6 x 16 register tile: K = runs * runLength inputs per row, summed in order.
@inline(__always)
func tile6x16(_ rows: SixRows, runs: Int = 1, runLength: Int, runStride: Int = 0, _ w: UnsafePointer<Float>,
              _ bias: UnsafePointer<Float>, _ shortcut: UnsafePointer<Float>?, n: Int, _ bounds: ActivationBounds,
              _ c: UnsafeMutablePointer<Float>) {
    let bias0 = ChannelVector(loadingFrom: bias), bias1 = ChannelVector(loadingFrom: bias + 8)
    var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
    var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
    var panel = w
    for run in 0..<runs {
        let offset = run &* runStride
        let a0 = rows.0 + offset, a1 = rows.1 + offset, a2 = rows.2 + offset
        let a3 = rows.3 + offset, a4 = rows.4 + offset, a5 = rows.5 + offset
        for i in 0..<runLength {
            let w0 = ChannelVector(loadingFrom: panel), w1 = ChannelVector(loadingFrom: panel + 8)
            var x = ChannelVector(repeating: a0[i])
            c00.addProduct(x, w0); c01.addProduct(x, w1)
            x = ChannelVector(repeating: a1[i])
            c10.addProduct(x, w0); c11.addProduct(x, w1)
            x = ChannelVector(repeating: a2[i])
            c20.addProduct(x, w0); c21.addProduct(x, w1)
            x = ChannelVector(repeating: a3[i])
            c30.addProduct(x, w0); c31.addProduct(x, w1)
            x = ChannelVector(repeating: a4[i])
            c40.addProduct(x, w0); c41.addProduct(x, w1)
            x = ChannelVector(repeating: a5[i])
            c50.addProduct(x, w0); c51.addProduct(x, w1)
            panel += 16
        }
    }
    @inline(__always) func store(_ v0: ChannelVector, _ v1: ChannelVector, row: Int) {
        var (v0, v1) = (v0, v1)
        if let shortcut {
            v0 += ChannelVector(loadingFrom: shortcut + row * n)
            v1 += ChannelVector(loadingFrom: shortcut + row * n + 8)
        }
        bounds(v0).store(to: c + row * n)
        bounds(v1).store(to: c + row * n + 8)
    }
    store(c00, c01, row: 0); store(c10, c11, row: 1); store(c20, c21, row: 2)
    store(c30, c31, row: 3); store(c40, c41, row: 4); store(c50, c51, row: 5)
}

/// The 8-wide last panel: 6 accumulators.
@inline(__always)
private func tile6x8(_ a: UnsafePointer<Float>, k: Int, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                     _ shortcut: UnsafePointer<Float>?, n: Int, _ bounds: ActivationBounds,
                     _ c: UnsafeMutablePointer<Float>) {
    let bias0 = ChannelVector(loadingFrom: bias)
    var c0 = bias0, c1 = bias0, c2 = bias0, c3 = bias0, c4 = bias0, c5 = bias0
    let a0 = a, a1 = a + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, a5 = a4 + k
    var panel = w
    for i in 0..<k {
        let w0 = ChannelVector(loadingFrom: panel)
        c0.addProduct(ChannelVector(repeating: a0[i]), w0)
        c1.addProduct(ChannelVector(repeating: a1[i]), w0)
        c2.addProduct(ChannelVector(repeating: a2[i]), w0)
        c3.addProduct(ChannelVector(repeating: a3[i]), w0)
        c4.addProduct(ChannelVector(repeating: a4[i]), w0)
        c5.addProduct(ChannelVector(repeating: a5[i]), w0)
        panel += 8
    }
    @inline(__always) func store(_ v: ChannelVector, row: Int) {
        var v = v
        if let shortcut { v += ChannelVector(loadingFrom: shortcut + row * n) }
        bounds(v).store(to: c + row * n)
    }
    store(c0, row: 0); store(c1, row: 1); store(c2, row: 2); store(c3, row: 3); store(c4, row: 4); store(c5, row: 5)
}

/// Edge tiles: fewer than 6 rows, or a last panel narrower than 16; one row at a time. Each output is the same
/// chain of FMAs as in the full tiles (bias, then k in order), so an output's bits do not depend on its tile.
/// A vector reaching past `width` (channel counts that are not multiples of 8) computes its zero-weight lanes
/// and stores only the real ones.
@inline(__always)
private func tileAny(_ a: UnsafePointer<Float>, rows: Int, k: Int, _ w: UnsafePointer<Float>, width: Int,
                     _ bias: UnsafePointer<Float>, _ shortcut: UnsafePointer<Float>?, n: Int,
                     _ bounds: ActivationBounds, _ c: UnsafeMutablePointer<Float>) {
    let stored = PackedPointwiseWeights.storedWidth(width)
    for r in 0..<rows {
        let ar = a + r * k
        var vector = 0
        while vector < width {
            let lanes = min(8, width - vector)
            var sum = lanes == 8 ? ChannelVector(loadingFrom: bias + vector) : partialVector(bias + vector, lanes)
            var panel = w + vector
            for i in 0..<k {
                sum.addProduct(ChannelVector(repeating: ar[i]), ChannelVector(loadingFrom: panel))
                panel += stored
            }
            let line = c + r * n + vector
            if lanes == 8 {
                if let shortcut { sum += ChannelVector(loadingFrom: shortcut + r * n + vector) }
                bounds(sum).store(to: line)
            } else {
                if let shortcut { sum += partialVector(shortcut + r * n + vector, lanes) }
                let result = bounds(sum)
                for lane in 0..<lanes { line[lane] = result[lane] }
            }
            vector += 8
        }
    }
}

/// The first `lanes` values at `p`, zeros after: a vector load that never reads past the row.
@inline(__always)
private func partialVector(_ p: UnsafePointer<Float>, _ lanes: Int) -> ChannelVector {
    var v = ChannelVector(repeating: 0)
    for lane in 0..<lanes { v[lane] = p[lane] }
    return v
}
