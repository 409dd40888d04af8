import Shared

/// Inverted residual with linear bottleneck (MobileNetV2's "bottleneck", EfficientNet's MBConv without SE):
/// 1x1 expansion + ReLU6, k x k depthwise + ReLU6, 1x1 linear projection, identity shortcut when shapes allow.
struct InvertedResidualBlock: Sendable {
    /// nil when the expansion factor is 1 (the first block of both nets).
    let expansion: PointwiseConvolution?
    let depthwise: DepthwiseConvolution
    let projection: PointwiseConvolution
    let hasShortcut: Bool

    /// Expanded maps per image above this size run band by band (see `fusedBands`): measured on 2 cores with
    /// a 2 MiB L2 each, only the 112x112 and 56x56 stages gain; smaller maps stay in cache whole anyway and
    /// lose GEMM height when split.
    static let bandingThresholdBytes = 1 << 20
    /// Expanded rows per band are sized to about this many bytes, so a band and its depthwise output stay in L2.
    static let bandBytes = 384 << 10

    init(expansion: PointwiseConvolution?, depthwise: DepthwiseConvolution, projection: PointwiseConvolution) {
        self.expansion = expansion
        self.depthwise = depthwise
        self.projection = projection
        let inputChannels = expansion?.inputChannels ?? depthwise.channels
        self.hasShortcut = depthwise.stride == 1 && inputChannels == projection.outputChannels
    }

    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let expandedBytes = input.height * input.width * depthwise.channels * MemoryLayout<Float>.size
        guard expandedBytes >= Self.bandingThresholdBytes else { return wholeMaps(input) }
        // One frame at a time, the output rows are split into one contiguous share per core, each banded on
        // its own core (inside a loop over frames the budget is one core).
        let threads = CoreBudget.current
        guard threads > 1 else { return fusedBands(input) }
        return fusedBands(input, sharedOver: threads)
    }

    /// Layer by layer over the whole batch: the expanded map is materialised in full.
    func wholeMaps(_ input: FeatureMap) -> FeatureMap {
        let expanded = expansion.map { $0(input) } ?? input
        return projection(depthwise(expanded), adding: hasShortcut ? input : nil)
    }

    /// The same function computed a band of output rows at a time: expand only the input rows the band's
    /// depthwise window reads, then depthwise and project them, so the expanded map never goes to memory whole.
    /// Rows shared with the previous band (the kernel's overlap) are moved to the front, not recomputed.
    /// workers > 1: each image's output rows are split into that many contiguous shares run in parallel (each
    /// on one core); a share recomputes the few expanded rows it shares with the one above.
    func fusedBands(_ input: FeatureMap, bandBytes: Int = Self.bandBytes, sharedOver workers: Int = 1) -> FeatureMap {
        let (height, width, hidden) = (input.height, input.width, depthwise.channels)
        let outputHeight = Padding.outputSize(height, kernel: depthwise.kernelSize, stride: depthwise.stride,
                                              before: depthwise.padding.top, after: depthwise.padding.bottom)
        let outputWidth = Padding.outputSize(width, kernel: depthwise.kernelSize, stride: depthwise.stride,
                                             before: depthwise.padding.left, after: depthwise.padding.right)
        let rowBytes = width * hidden * MemoryLayout<Float>.size
        let overlap = depthwise.kernelSize - depthwise.stride
        let bandRows = max(1, min(outputHeight, (bandBytes / rowBytes - overlap) / depthwise.stride))
        let bandInputRows = bandRows * depthwise.stride + overlap
        let (inputChannels, outputChannels) = (input.channels, projection.outputChannels)
        var output = FeatureMap(uninitializedBatch: input.batch, height: outputHeight, width: outputWidth,
                                channels: outputChannels)
        let shares = max(1, min(workers, outputHeight))
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                let (source, destination) = (x.baseAddress!, y.baseAddress!)
                // One job: output rows `share` of image n, with its own band buffers.
                func run(job: Int) {
                    let (n, share) = job.quotientAndRemainder(dividingBy: shares)
                    let image = source + n * height * width * inputChannels
                    let result = destination + n * outputHeight * outputWidth * outputChannels
                    // [bandInputRows, width, hidden] expanded rows; [bandRows, outputWidth, hidden] depthwise rows.
                    // Not zero-filled: every row is written before it is read.
                    let e = UnsafeMutablePointer<Float>.allocate(capacity: expansion == nil ? 0 : bandInputRows * width * hidden)
                    let f = UnsafeMutablePointer<Float>.allocate(capacity: bandRows * outputWidth * hidden)
                    defer { e.deallocate(); f.deallocate() }
                    var held = 0..<0
                    var first = outputHeight * share / shares
                    let last = outputHeight * (share + 1) / shares
                    while first < last {
                        let rows = first..<min(last, first + bandRows)
                        let needed = depthwise.inputRows(for: rows, height: height)
                        let source: UnsafePointer<Float>
                        if let expansion {
                            let kept = held.overlaps(needed) && held.lowerBound <= needed.lowerBound
                                ? needed.lowerBound..<held.upperBound : needed.lowerBound..<needed.lowerBound
                            if !kept.isEmpty && kept.lowerBound > held.lowerBound {
                                let from = e + (kept.lowerBound - held.lowerBound) * width * hidden
                                // memmove: the kept rows may overlap their new place.
                                UnsafeMutableRawPointer(e).copyMemory(from: from, byteCount: kept.count * rowBytes)
                            }
                            expansion.apply(rows: (needed.upperBound - kept.upperBound) * width,
                                            image + kept.upperBound * width * inputChannels,
                                            into: e + kept.count * width * hidden, adding: nil)
                            held = needed
                            source = UnsafePointer(e)
                        } else {
                            source = image + needed.lowerBound * width * inputChannels
                        }
                        depthwise.convolveRows(rows, of: source, inputRowBase: needed.lowerBound, height: height,
                                               width: width, into: f)
                        let offset = rows.lowerBound * outputWidth * outputChannels
                        projection.apply(rows: rows.count * outputWidth, f, into: result + offset,
                                         adding: hasShortcut ? image + offset : nil)
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
}
