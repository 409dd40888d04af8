import Shared

/// 1x1 convolution, stride 1, NHWC: a single GEMM [pixels, in] x [in, out] plus fused bias and activation.
public struct PointwiseConvolution: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    let bias: [Float]
    public let activation: Activation
    /// The weights packed for `multiplyPacked`, the one kernel every 1x1 layer runs (no BLAS, so no CPU-picked
    /// kernel): an output's sum is the same FMA chain on every x86-64-v3 CPU and under any split of the rows.
    let packed: PackedPointwiseWeights

    /// weights: [out, in] row-major, torch's [out, in, 1, 1] with the unit dimensions dropped.
    public init(weights: [Float], bias: [Float], inputChannels: Int, activation: Activation) {
        precondition(weights.count == bias.count * inputChannels, "pointwise weights must be [out, in]")
        self.inputChannels = inputChannels
        self.outputChannels = bias.count
        self.bias = bias
        self.activation = activation
        self.packed = PackedPointwiseWeights(weights: weights, inputChannels: inputChannels, outputChannels: bias.count)
    }

    /// activation(input * W^T + bias + shortcut); shortcut (same shape as the output) is a residual branch
    /// added before the activation, so a block's identity shortcut costs no extra pass over memory.
    public func callAsFunction(_ input: FeatureMap, adding shortcut: FeatureMap? = nil) -> FeatureMap {
        LayerProfile.measure("1x1 \(inputChannels)->\(outputChannels) \(input.height)x\(input.width)"
                             + (shortcut == nil ? "" : " +res")) {
            unprofiled(input, adding: shortcut)
        }
    }

    private func unprofiled(_ input: FeatureMap, adding shortcut: FeatureMap?) -> FeatureMap {
        precondition(input.channels == inputChannels, "pointwise conv expects \(inputChannels) channels, got \(input.channels)")
        var output = FeatureMap(uninitializedBatch: input.batch, height: input.height, width: input.width,
                                channels: outputChannels)
        if let shortcut {
            precondition(shortcut.batch == output.batch && shortcut.height == output.height
                         && shortcut.width == output.width && shortcut.channels == output.channels,
                         "residual shapes differ")
        }
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                if let shortcut {
                    shortcut.data.withUnsafeBufferPointer { s in
                        apply(rows: input.pixelCount, x.baseAddress!, into: y.baseAddress!, adding: s.baseAddress!)
                    }
                } else {
                    apply(rows: input.pixelCount, x.baseAddress!, into: y.baseAddress!, adding: nil)
                }
            }
        }
        return output
    }

    /// The same over raw rows, for callers working on a band of an image:
    /// input [rows, inputChannels] -> output [rows, outputChannels], shortcut (if any) [rows, outputChannels].
    /// `threads`: how many cores one call may split over (one inside a parallel loop over frames).
    func apply(rows: Int, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
               adding shortcut: UnsafePointer<Float>?, threads: Int = CoreBudget.current) {
        let (k, n) = (inputChannels, outputChannels)
        bias.withUnsafeBufferPointer { b in
            let bias = b.baseAddress!, bounds = ActivationBounds(activation)
            // One frame at a time, the work splits over the threads: by whole 6-row tiles, or on small maps
            // (7x7 = 9 tiles would split 5:4) by 16-channel panels. Each output's sum runs in the same order
            // either way, so the split never changes a bit of the result.
            if let shares = tileShares(rows: rows, threads: threads) {
                parallelFor(count: shares.count) { part in
                    let first = shares[part].lowerBound
                    multiplyPacked(x + first * k, rows: shares[part].count, packed, bias: bias,
                                   shortcut: shortcut.map { $0 + first * n }, bounds: bounds,
                                   into: y + first * n)
                    // SiLU on the share just written, on the core that wrote it, while it is in its cache.
                    if activation == .silu { applySiLU(y + first * n, count: shares[part].count * n) }
                }
            } else if threads > 1 && rows >= 6 && packed.panelCount >= 2 * threads {
                let panelCount = packed.panelCount
                parallelFor(count: threads) { part in
                    multiplyPacked(x, rows: rows, packed, bias: bias, shortcut: shortcut,
                                   bounds: bounds, into: y,
                                   panels: panelCount * part / threads..<panelCount * (part + 1) / threads)
                }
                // Small maps (a few dozen rows): one pass after the panels.
                if activation == .silu { applySiLU(y, count: rows * n) }
            } else {
                multiplyPacked(x, rows: rows, packed, bias: bias, shortcut: shortcut, bounds: bounds, into: y)
                if activation == .silu { applySiLU(y, count: rows * n) }
            }
        }
    }
}
