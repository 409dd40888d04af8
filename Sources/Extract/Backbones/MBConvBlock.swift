import Shared

/// EfficientNet's MBConv: the inverted residual (`InvertedResidualBlock`) with SiLU activations and a
/// squeeze-and-excitation gate between the depthwise convolution and the linear projection:
/// 1x1 expansion + SiLU, k x k depthwise + SiLU, SE, 1x1 projection, identity shortcut when shapes allow
/// (stochastic depth is training-only: identity at inference).
struct MBConvBlock: Sendable {
    /// nil when the expansion factor is 1 (the first stage).
    let expansion: PointwiseConvolution?
    let depthwise: DepthwiseConvolution
    let squeezeExcitation: SqueezeExcitation
    let projection: PointwiseConvolution
    let hasShortcut: Bool

    init(expansion: PointwiseConvolution?, depthwise: DepthwiseConvolution, squeezeExcitation: SqueezeExcitation,
         projection: PointwiseConvolution) {
        self.expansion = expansion
        self.depthwise = depthwise
        self.squeezeExcitation = squeezeExcitation
        self.projection = projection
        let inputChannels = expansion?.inputChannels ?? depthwise.channels
        self.hasShortcut = depthwise.stride == 1 && inputChannels == projection.outputChannels
    }

    /// [N, H, W, in] -> [N, H / stride, W / stride, out]. Large expanded maps are never materialised: expansion
    /// and depthwise run band by band (`bandedDepthwise`); the SE gate then needs the whole depthwise output.
    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let expandedBytes = input.height * input.width * depthwise.channels * MemoryLayout<Float>.size
        var gated: FeatureMap
        if let expansion, expandedBytes >= InvertedResidualBlock.bandingThresholdBytes {
            let (k, s) = (depthwise.kernelSize, depthwise.stride)
            gated = LayerProfile.measure("banded 1x1+depthwise \(k)x\(k)/\(s) \(input.channels)->\(depthwise.channels) "
                                         + "\(input.height)x\(input.width)") {
                bandedDepthwise(input, expansion: expansion, sharedOver: CoreBudget.current)
            }
        } else {
            gated = depthwise(expansion.map { $0(input) } ?? input)
        }
        squeezeExcitation(&gated)
        return projection(gated, adding: hasShortcut ? input : nil)
    }

    /// depthwise(expansion(input)) a band of output rows at a time: only the input rows a band's window reads
    /// are expanded, into a buffer that stays in L2; rows shared with the previous band are moved, not
    /// recomputed. workers > 1: each image's rows are split into that many contiguous shares run in parallel.
    /// Every output value is computed as the layer-by-layer path computes it, so the result is the same bits.
    func bandedDepthwise(_ input: FeatureMap, expansion: PointwiseConvolution, sharedOver workers: Int,
                         bandBytes: Int = InvertedResidualBlock.bandBytes) -> FeatureMap {
        let (height, width, hidden) = (input.height, input.width, depthwise.channels)
        let outputHeight = Padding.outputSize(height, kernel: depthwise.kernelSize, stride: depthwise.stride,
                                              before: depthwise.padding.top, after: depthwise.padding.bottom)
        let outputWidth = Padding.outputSize(width, kernel: depthwise.kernelSize, stride: depthwise.stride,
                                             before: depthwise.padding.left, after: depthwise.padding.right)
        let rowBytes = width * hidden * MemoryLayout<Float>.size
        let overlap = depthwise.kernelSize - depthwise.stride
        let bandRows = max(1, min(outputHeight, (bandBytes / rowBytes - overlap) / depthwise.stride))
        let bandInputRows = bandRows * depthwise.stride + overlap
        var output = FeatureMap(uninitializedBatch: input.batch, height: outputHeight, width: outputWidth,
                                channels: hidden)
        let shares = max(1, min(workers, outputHeight))
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                let (source, destination) = (x.baseAddress!, y.baseAddress!)
                // One job: output rows `share` of image n, with its own band buffer [bandInputRows, width, hidden].
                func run(job: Int) {
                    let (n, share) = job.quotientAndRemainder(dividingBy: shares)
                    let image = source + n * height * width * input.channels
                    let result = destination + n * outputHeight * outputWidth * hidden
                    // Not zero-filled: every row is written before it is read.
                    let band = UnsafeMutablePointer<Float>.allocate(capacity: bandInputRows * width * hidden)
                    defer { band.deallocate() }
                    var held = 0..<0
                    var first = outputHeight * share / shares
                    let last = outputHeight * (share + 1) / shares
                    while first < last {
                        let rows = first..<min(last, first + bandRows)
                        let needed = depthwise.inputRows(for: rows, height: height)
                        held = expandRows(needed, holding: held, of: image, width: width, expansion: expansion,
                                          into: band)
                        depthwise.convolveRows(rows, of: band, inputRowBase: needed.lowerBound, height: height,
                                               width: width, into: result + rows.lowerBound * outputWidth * hidden)
                        first = rows.upperBound
                    }
                }
                if shares == 1 {
                    for n in 0..<input.batch { run(job: n) }
                } else {
                    parallelFor(count: input.batch * shares) { run(job: $0) }
                }
            }
        }
        return output
    }

    /// Fills `band` with expanded input rows `needed` ([needed.count, width, hidden]) when it holds rows `held`:
    /// rows held already are moved to the front, the rest expanded. Returns what the band now holds.
    private func expandRows(_ needed: Range<Int>, holding held: Range<Int>, of image: UnsafePointer<Float>,
                            width: Int, expansion: PointwiseConvolution,
                            into band: UnsafeMutablePointer<Float>) -> Range<Int> {
        let hidden = depthwise.channels
        let kept = held.overlaps(needed) && held.lowerBound <= needed.lowerBound
            ? needed.lowerBound..<held.upperBound : needed.lowerBound..<needed.lowerBound
        if !kept.isEmpty && kept.lowerBound > held.lowerBound {
            // memmove: the kept rows may overlap their new place.
            UnsafeMutableRawPointer(band).copyMemory(from: band + (kept.lowerBound - held.lowerBound) * width * hidden,
                                                     byteCount: kept.count * width * hidden * MemoryLayout<Float>.size)
        }
        expansion.apply(rows: (needed.upperBound - kept.upperBound) * width,
                        image + kept.upperBound * width * expansion.inputChannels,
                        into: band + kept.count * width * hidden, adding: nil)
        return needed
    }
}
