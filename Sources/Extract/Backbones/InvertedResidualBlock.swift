import CBLAS

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
        // Banding runs one frame on one core; with several BLAS threads the whole-map layers parallelise better.
        if expandedBytes >= Self.bandingThresholdBytes && openblas_get_num_threads() == 1 {
            return fusedBands(input)
        }
        return wholeMaps(input)
    }

    /// Layer by layer over the whole batch: the expanded map is materialised in full.
    func wholeMaps(_ input: FeatureMap) -> FeatureMap {
        let expanded = expansion.map { $0(input) } ?? input
        return projection(depthwise(expanded), adding: hasShortcut ? input : nil)
    }

    /// The same function computed a band of output rows at a time: expand only the input rows the band's
    /// depthwise window reads, then depthwise and project them, so the expanded map never goes to memory whole.
    /// Rows shared with the previous band (the kernel's overlap) are moved to the front, not recomputed.
    func fusedBands(_ input: FeatureMap, bandBytes: Int = Self.bandBytes) -> FeatureMap {
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
        // [bandInputRows, width, hidden] expanded rows; [bandRows, outputWidth, hidden] depthwise rows.
        // Not zero-filled: every row is written before it is read.
        var expanded = uninitializedFloats(expansion == nil ? 0 : bandInputRows * width * hidden)
        var filtered = uninitializedFloats(bandRows * outputWidth * hidden)
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                expanded.withUnsafeMutableBufferPointer { e in
                    filtered.withUnsafeMutableBufferPointer { f in
                        for n in 0..<input.batch {
                            let image = x.baseAddress! + n * height * width * inputChannels
                            let result = y.baseAddress! + n * outputHeight * outputWidth * outputChannels
                            var held = 0..<0
                            var first = 0
                            while first < outputHeight {
                                let rows = first..<min(outputHeight, first + bandRows)
                                let needed = depthwise.inputRows(for: rows, height: height)
                                let source: UnsafePointer<Float>
                                if let expansion {
                                    let kept = held.overlaps(needed) && held.lowerBound <= needed.lowerBound
                                        ? needed.lowerBound..<held.upperBound : needed.lowerBound..<needed.lowerBound
                                    if !kept.isEmpty && kept.lowerBound > held.lowerBound {
                                        let from = e.baseAddress! + (kept.lowerBound - held.lowerBound) * width * hidden
                                        // memmove: the kept rows may overlap their new place.
                                        UnsafeMutableRawPointer(e.baseAddress!).copyMemory(
                                            from: from, byteCount: kept.count * rowBytes)
                                    }
                                    expansion.apply(rows: (needed.upperBound - kept.upperBound) * width,
                                                    image + kept.upperBound * width * inputChannels,
                                                    into: e.baseAddress! + kept.count * width * hidden, adding: nil)
                                    held = needed
                                    source = UnsafePointer(e.baseAddress!)
                                } else {
                                    source = image + needed.lowerBound * width * inputChannels
                                }
                                depthwise.convolveRows(rows, of: source, inputRowBase: needed.lowerBound, height: height,
                                                       width: width, into: f.baseAddress!)
                                let offset = rows.lowerBound * outputWidth * outputChannels
                                projection.apply(rows: rows.count * outputWidth, f.baseAddress!, into: result + offset,
                                                 adding: hasShortcut ? image + offset : nil)
                                first = rows.upperBound
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

private func uninitializedFloats(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
