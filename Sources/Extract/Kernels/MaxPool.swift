import Shared

/// Max pooling over NHWC maps without padding, in PyTorch's ceil mode (nn.MaxPool2d(k, s, ceil_mode=True)):
/// the output keeps a last, partial window where the input does not divide evenly, as long as that window
/// starts inside the input; a partial window takes the maximum of the pixels it covers.
public struct MaxPool: Sendable, Equatable {
    public let kernel: Int
    public let stride: Int

    public init(kernel: Int, stride: Int) {
        precondition(kernel > 0 && stride > 0, "pooling kernel and stride must be positive")
        self.kernel = kernel
        self.stride = stride
    }

    /// ceil((size - kernel) / stride) + 1, less one if that last window would start past the input.
    public func outputSize(_ size: Int) -> Int {
        precondition(size >= kernel, "a \(kernel)-wide pooling window needs at least \(kernel) pixels, got \(size)")
        var output = (size - kernel + stride - 1) / stride + 1
        if (output - 1) * stride >= size { output -= 1 }
        return output
    }

    public func callAsFunction(_ input: FeatureMap) -> FeatureMap {
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
            let rows = oy * stride..<min(oy * stride + kernel, height)
            for ox in 0..<outputWidth {
                let columns = ox * stride..<min(ox * stride + kernel, width)
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
