import Shared

/// Max pooling over NHWC maps as nn.MaxPool2d(kernel, stride, padding, ceil_mode) computes it. Padding is
/// never a candidate (PyTorch pads with -inf): a window takes the maximum of the input pixels it covers.
/// Ceil mode (MTCNN) keeps a last, partial window where the input does not divide evenly, as long as that
/// window starts inside the input (or its left padding); floor mode (the ImageNet nets) drops it.
public struct MaxPool: Sendable, Equatable {
    public let kernel: Int
    public let stride: Int
    /// Pixels of padding on every side, at most half the kernel (PyTorch's rule).
    public let padding: Int
    public let ceilMode: Bool

    /// nn.MaxPool2d(kernel, stride, ceil_mode=True), no padding: MTCNN's pools.
    public init(kernel: Int, stride: Int) {
        self.init(kernel: kernel, stride: stride, padding: 0, ceilMode: true)
    }

    public init(kernel: Int, stride: Int, padding: Int, ceilMode: Bool) {
        precondition(kernel > 0 && stride > 0, "pooling kernel and stride must be positive")
        precondition(padding >= 0 && 2 * padding <= kernel, "pooling padding must be at most half the kernel")
        (self.kernel, self.stride, self.padding, self.ceilMode) = (kernel, stride, padding, ceilMode)
    }

    /// floor or ceil((size + 2 padding - kernel) / stride) + 1; in ceil mode less one if that last window would
    /// start past the input and its left padding.
    public func outputSize(_ size: Int) -> Int {
        let padded = size + 2 * padding
        precondition(padded >= kernel, "a \(kernel)-wide pooling window needs at least \(kernel) pixels, got \(padded)")
        guard ceilMode else { return (padded - kernel) / stride + 1 }
        var output = (padded - kernel + stride - 1) / stride + 1
        if (output - 1) * stride >= size + padding { output -= 1 }
        return output
    }

    public func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        LayerProfile.measure("maxpool \(kernel)/\(stride) \(input.channels) \(input.height)x\(input.width)") {
            unprofiled(input)
        }
    }

    private func unprofiled(_ input: FeatureMap) -> FeatureMap {
        let (height, width) = (outputSize(input.height), outputSize(input.width))
        var output = FeatureMap(uninitializedBatch: input.batch, height: height, width: width, channels: input.channels)
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                apply(x.baseAddress!, batch: input.batch, height: input.height, width: input.width,
                      channels: input.channels, into: y.baseAddress!)
            }
        }
        return output
    }

    /// The same on raw NHWC storage; `output` holds N * outputSize(height) * outputSize(width) * channels floats.
    /// Output rows split over `threads` cores when the map is large enough to be worth it.
    func apply(_ x: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int,
               into y: UnsafeMutablePointer<Float>, threads: Int = CoreBudget.current) {
        let (outputHeight, outputWidth) = (outputSize(height), outputSize(width))
        let rowCount = batch * outputHeight
        // One output row: each pixel starts from its window's first input pixel and takes the maximum with
        // the others, eight channels at a time, then the rest.
        func row(_ index: Int) {
            let (n, oy) = index.quotientAndRemainder(dividingBy: outputHeight)
            let rows = max(oy * stride - padding, 0)..<min(oy * stride - padding + kernel, height)
            for ox in 0..<outputWidth {
                let columns = max(ox * stride - padding, 0)..<min(ox * stride - padding + kernel, width)
                let destination = y + (index * outputWidth + ox) * channels
                destination.update(from: x + ((n * height + rows.lowerBound) * width + columns.lowerBound) * channels,
                                   count: channels)
                for iy in rows {
                    for ix in columns {
                        let source = x + ((n * height + iy) * width + ix) * channels
                        var c = 0
                        while c + 8 <= channels {
                            // A compare and blend (vmaxps-like); pointwiseMax's IEEE maximum is far slower.
                            var maximum = ChannelVector(loadingFrom: destination + c)
                            let value = ChannelVector(loadingFrom: source + c)
                            maximum.replace(with: value, where: value .> maximum)
                            maximum.store(to: destination + c)
                            c += 8
                        }
                        while c < channels {
                            destination[c] = Swift.max(destination[c], source[c])
                            c += 1
                        }
                    }
                }
            }
        }
        let parts = threads > 1 && rowCount * outputWidth * channels >= 1 << 16 ? threads : 1
        parallelFor(count: parts) { part in
            for index in rowCount * part / parts..<rowCount * (part + 1) / parts { row(index) }
        }
    }
}
