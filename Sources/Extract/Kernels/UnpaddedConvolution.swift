import Shared

/// A stride-1 convolution without padding over NHWC maps, bias and a per-channel PReLU fused (MTCNN's layers).
/// A dense layer is the 1x1 case over [N, 1, 1, K] maps. In NHWC an output pixel's patch in [kh, kw, in] order
/// is kh runs of kw * in contiguous floats, a row apart, so a 6-pixel x 16-channel register tile reads the
/// patches straight from the input over weights packed once into 16-channel panels (no im2col copy), and
/// writes each output once, activated. Layers whose channel count is not a multiple of 16 (10, 28, 6) run
/// their last panel at 8 or 16 lanes and store only the real channels.
public struct UnpaddedConvolution: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    /// [kh * kw * in] x out, in 16-channel panels.
    let packed: PackedPointwiseWeights
    /// Bias and PReLU slopes padded with zeros / ones to the packed panels' stored width, so a tile loads whole
    /// vectors; identity activation is slope 1.
    let bias: [Float]
    let slopes: [Float]

    /// torchWeights: [out, in, kh, kw] (PyTorch layout); slopes: the PReLU after the layer, nil for none.
    public init(torchWeights: [Float], bias: [Float], inputChannels: Int, kernelHeight: Int, kernelWidth: Int,
                preluSlopes slopes: [Float]?) {
        let outputs = bias.count, patch = kernelHeight * kernelWidth * inputChannels
        precondition(torchWeights.count == outputs * patch, "convolution weights must be [out, in, kh, kw]")
        precondition(slopes == nil || slopes!.count == outputs, "one PReLU slope per output channel")
        var reordered = [Float](repeating: 0, count: torchWeights.count)
        for o in 0..<outputs {
            for ci in 0..<inputChannels {
                for ky in 0..<kernelHeight {
                    for kx in 0..<kernelWidth {
                        reordered[o * patch + (ky * kernelWidth + kx) * inputChannels + ci]
                            = torchWeights[((o * inputChannels + ci) * kernelHeight + ky) * kernelWidth + kx]
                    }
                }
            }
        }
        (self.inputChannels, self.outputChannels) = (inputChannels, outputs)
        (self.kernelHeight, self.kernelWidth) = (kernelHeight, kernelWidth)
        packed = PackedPointwiseWeights(weights: reordered, inputChannels: patch, outputChannels: outputs)
        let storedChannels = outputs / 16 * 16 + PackedPointwiseWeights.storedWidth(outputs % 16)
        self.bias = bias + [Float](repeating: 0, count: storedChannels - outputs)
        self.slopes = (slopes ?? [Float](repeating: 1, count: outputs))
            + [Float](repeating: 1, count: storedChannels - outputs)
    }

    /// A dense layer y = prelu(x W^T + b): weights [out, in] (torch.nn.Linear), run over [N, 1, 1, in] maps.
    public init(denseWeights: [Float], bias: [Float], inputFeatures: Int, preluSlopes: [Float]?) {
        self.init(torchWeights: denseWeights, bias: bias, inputChannels: inputFeatures, kernelHeight: 1,
                  kernelWidth: 1, preluSlopes: preluSlopes)
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (height - kernelHeight + 1, width - kernelWidth + 1)
    }

    /// [N, H, W, in] -> [N, H - kh + 1, W - kw + 1, out]. threads: how many cores one call may split over.
    public func callAsFunction(_ input: FeatureMap, threads: Int = CoreBudget.current) -> FeatureMap {
        precondition(input.channels == inputChannels, "convolution expects \(inputChannels) channels, got \(input.channels)")
        let (height, width) = outputSize(height: input.height, width: input.width)
        precondition(height > 0 && width > 0, "a \(kernelHeight)x\(kernelWidth) kernel needs a map at least that large")
        var output = FeatureMap(uninitializedBatch: input.batch, height: height, width: width, channels: outputChannels)
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                apply(x.baseAddress!, batch: input.batch, height: input.height, width: input.width,
                      into: y.baseAddress!, threads: threads)
            }
        }
        return output
    }

    /// The same on raw NHWC storage: `output` holds N * outputHeight * outputWidth * out floats.
    func apply(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
               into output: UnsafeMutablePointer<Float>, threads: Int = CoreBudget.current) {
        let (outputHeight, outputWidth) = outputSize(height: height, width: width)
        let pixels = batch * outputHeight * outputWidth
        let channels = inputChannels
        // Where output pixel q's patch starts in the input.
        @inline(__always) func patchStart(_ q: Int) -> UnsafePointer<Float> {
            let (n, position) = q.quotientAndRemainder(dividingBy: outputHeight * outputWidth)
            let (oy, ox) = position.quotientAndRemainder(dividingBy: outputWidth)
            return input + ((n * height + oy) * width + ox) * channels
        }
        let geometry = PatchRuns(runs: kernelHeight, length: kernelWidth * channels, stride: width * channels)
        packed.values.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                slopes.withUnsafeBufferPointer { a in
                    let (w, b, a) = (w.baseAddress!, b.baseAddress!, a.baseAddress!)
                    // Pixels `share`, six at a time; a short last group becomes a full tile ending at the share's
                    // end whose repeated pixels are computed again identically. Under six pixels: one at a time.
                    func run(_ share: Range<Int>) {
                        guard share.count >= 6 else {
                            for q in share {
                                preluPixel(patchStart(q), geometry, w, packed, b, a, output + q * outputChannels)
                            }
                            return
                        }
                        var q = share.lowerBound
                        while q < share.upperBound {
                            q = min(q, share.upperBound - 6)
                            let rows = (patchStart(q), patchStart(q + 1), patchStart(q + 2), patchStart(q + 3),
                                        patchStart(q + 4), patchStart(q + 5))
                            preluTiles(rows, geometry, w, packed, b, a, output + q * outputChannels)
                            q += 6
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
}

/// Six output pixels' patch starts, one 6 x 16 tile's rows.
typealias SixRows = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                     UnsafePointer<Float>, UnsafePointer<Float>)

/// How a patch lies in the input: `runs` runs of `length` floats, `stride` floats apart.
struct PatchRuns {
    let runs: Int
    let length: Int
    let stride: Int
}

/// Six pixels, every panel: 16-wide panels as 6 x 16 tiles, an 8-wide last panel as 6 x 8.
@inline(__always)
private func preluTiles(_ rows: SixRows, _ geometry: PatchRuns, _ w: UnsafePointer<Float>,
                        _ packed: PackedPointwiseWeights, _ bias: UnsafePointer<Float>, _ slopes: UnsafePointer<Float>,
                        _ c: UnsafeMutablePointer<Float>) {
    let n = packed.outputChannels
    var panel = w
    var first = 0
    while first < n {
        let width = packed.width(from: first), stored = PackedPointwiseWeights.storedWidth(width)
        if stored == 16 {
            preluTile6x16(rows, geometry, panel, bias + first, slopes + first, width: width, n: n, c + first)
        } else {
            preluTile6x8(rows, geometry, panel, bias + first, slopes + first, width: width, n: n, c + first)
        }
        panel += packed.inputChannels * stored
        first += width
    }
}

@inline(__always)
private func preluTile6x16(_ rows: SixRows, _ geometry: PatchRuns, _ w: UnsafePointer<Float>,
                           _ bias: UnsafePointer<Float>, _ slopes: UnsafePointer<Float>, width: Int, n: Int,
                           _ c: UnsafeMutablePointer<Float>) {
    let bias0 = ChannelVector(loadingFrom: bias), bias1 = ChannelVector(loadingFrom: bias + 8)
    var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
    var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
    var panel = w
    for run in 0..<geometry.runs {
        let offset = run &* geometry.stride
        let a0 = rows.0 + offset, a1 = rows.1 + offset, a2 = rows.2 + offset
        let a3 = rows.3 + offset, a4 = rows.4 + offset, a5 = rows.5 + offset
        for i in 0..<geometry.length {
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
    let slopes0 = ChannelVector(loadingFrom: slopes), slopes1 = ChannelVector(loadingFrom: slopes + 8)
    @inline(__always) func store(_ v0: ChannelVector, _ v1: ChannelVector, row: Int) {
        v0.preluActivated(slopes: slopes0).store(to: c + row * n)
        storeLanes(v1.preluActivated(slopes: slopes1), width - 8, to: c + row * n + 8)
    }
    store(c00, c01, row: 0); store(c10, c11, row: 1); store(c20, c21, row: 2)
    store(c30, c31, row: 3); store(c40, c41, row: 4); store(c50, c51, row: 5)
}

@inline(__always)
private func preluTile6x8(_ rows: SixRows, _ geometry: PatchRuns, _ w: UnsafePointer<Float>,
                          _ bias: UnsafePointer<Float>, _ slopes: UnsafePointer<Float>, width: Int, n: Int,
                          _ c: UnsafeMutablePointer<Float>) {
    let bias0 = ChannelVector(loadingFrom: bias)
    var c0 = bias0, c1 = bias0, c2 = bias0, c3 = bias0, c4 = bias0, c5 = bias0
    var panel = w
    for run in 0..<geometry.runs {
        let offset = run &* geometry.stride
        let a0 = rows.0 + offset, a1 = rows.1 + offset, a2 = rows.2 + offset
        let a3 = rows.3 + offset, a4 = rows.4 + offset, a5 = rows.5 + offset
        for i in 0..<geometry.length {
            let w0 = ChannelVector(loadingFrom: panel)
            c0.addProduct(ChannelVector(repeating: a0[i]), w0)
            c1.addProduct(ChannelVector(repeating: a1[i]), w0)
            c2.addProduct(ChannelVector(repeating: a2[i]), w0)
            c3.addProduct(ChannelVector(repeating: a3[i]), w0)
            c4.addProduct(ChannelVector(repeating: a4[i]), w0)
            c5.addProduct(ChannelVector(repeating: a5[i]), w0)
            panel += 8
        }
    }
    let slopes0 = ChannelVector(loadingFrom: slopes)
    @inline(__always) func store(_ v: ChannelVector, row: Int) {
        storeLanes(v.preluActivated(slopes: slopes0), width, to: c + row * n)
    }
    store(c0, row: 0); store(c1, row: 1); store(c2, row: 2); store(c3, row: 3); store(c4, row: 4); store(c5, row: 5)
}

/// One pixel, every panel, one 8-lane vector at a time: the same FMA chain per output as the tiles.
private func preluPixel(_ patch: UnsafePointer<Float>, _ geometry: PatchRuns, _ w: UnsafePointer<Float>,
                        _ packed: PackedPointwiseWeights, _ bias: UnsafePointer<Float>,
                        _ slopes: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
    let n = packed.outputChannels
    var panel = w
    var first = 0
    while first < n {
        let width = packed.width(from: first), stored = PackedPointwiseWeights.storedWidth(width)
        for vector in stride(from: 0, to: stored, by: 8) {
            var sum = ChannelVector(loadingFrom: bias + first + vector)
            var weights = panel + vector
            for run in 0..<geometry.runs {
                let a = patch + run * geometry.stride
                for i in 0..<geometry.length {
                    sum.addProduct(ChannelVector(repeating: a[i]), ChannelVector(loadingFrom: weights))
                    weights += stored
                }
            }
            let activated = sum.preluActivated(slopes: ChannelVector(loadingFrom: slopes + first + vector))
            storeLanes(activated, min(8, width - vector), to: c + first + vector)
        }
        panel += packed.inputChannels * stored
        first += width
    }
}

/// The first `lanes` (1...8) lanes of v: a whole-vector store when all eight are real channels.
@inline(__always)
private func storeLanes(_ v: ChannelVector, _ lanes: Int, to pointer: UnsafeMutablePointer<Float>) {
    if lanes == 8 {
        v.store(to: pointer)
    } else {
        for lane in 0..<lanes { pointer[lane] = v[lane] }
    }
}
