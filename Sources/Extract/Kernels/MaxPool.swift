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
    func apply(_ x: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int,
               into y: UnsafeMutablePointer<Float>) {
        let (outputHeight, outputWidth) = (outputSize(height), outputSize(width))
        for n in 0..<batch {
            for oy in 0..<outputHeight {
                let rows = oy * stride..<min(oy * stride + kernel, height)
                for ox in 0..<outputWidth {
                    let columns = ox * stride..<min(ox * stride + kernel, width)
                    let destination = y + ((n * outputHeight + oy) * outputWidth + ox) * channels
                    let corner = x + ((n * height + rows.lowerBound) * width + columns.lowerBound) * channels
                    var c = 0
                    // Eight channels at a time, then the rest one by one.
                    while c + 8 <= channels {
                        var maximum = ChannelVector(loadingFrom: corner + c)
                        for iy in rows {
                            for ix in columns {
                                let v = ChannelVector(loadingFrom: x + ((n * height + iy) * width + ix) * channels + c)
                                maximum = pointwiseMax(maximum, v)
                            }
                        }
                        maximum.store(to: destination + c)
                        c += 8
                    }
                    while c < channels {
                        var maximum = corner[c]
                        for iy in rows {
                            for ix in columns { maximum = max(maximum, x[((n * height + iy) * width + ix) * channels + c]) }
                        }
                        destination[c] = maximum
                        c += 1
                    }
                }
            }
        }
    }
}
