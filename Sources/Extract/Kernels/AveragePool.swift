import Shared

/// Average pooling over NHWC maps as nn.AvgPool2d(kernel, stride, padding) computes it in floor mode.
/// countIncludePad (PyTorch's default) divides every window by kernel * kernel, padding counted as zeros
/// (Inception's pool branches); otherwise by the number of input pixels the window covers.
public struct AveragePool: Sendable, Equatable {
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    public let countIncludePad: Bool

    public init(kernel: Int, stride: Int, padding: Int = 0, countIncludePad: Bool = true) {
        precondition(kernel > 0 && stride > 0, "pooling kernel and stride must be positive")
        precondition(padding >= 0 && 2 * padding <= kernel, "pooling padding must be at most half the kernel")
        (self.kernel, self.stride, self.padding, self.countIncludePad) = (kernel, stride, padding, countIncludePad)
    }

    public func outputSize(_ size: Int) -> Int {
        precondition(size + 2 * padding >= kernel, "a \(kernel)-wide pooling window needs at least \(kernel) pixels")
        return (size + 2 * padding - kernel) / stride + 1
    }

    public func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let (height, width, channels) = (input.height, input.width, input.channels)
        let (outputHeight, outputWidth) = (outputSize(height), outputSize(width))
        var output = FeatureMap(batch: input.batch, height: outputHeight, width: outputWidth, channels: channels,
                                data: [Float](repeating: 0, count: input.batch * outputHeight * outputWidth * channels))
        let total = output.data.count
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                // One output row: sum the window's pixels channel-wise, then scale once.
                func row(_ index: Int) {
                    let (n, oy) = index.quotientAndRemainder(dividingBy: outputHeight)
                    let rows = max(oy * stride - padding, 0)..<min(oy * stride - padding + kernel, height)
                    for ox in 0..<outputWidth {
                        let columns = max(ox * stride - padding, 0)..<min(ox * stride - padding + kernel, width)
                        let sum = y.baseAddress! + (index * outputWidth + ox) * channels
                        for iy in rows {
                            for ix in columns {
                                let pixel = x.baseAddress! + ((n * height + iy) * width + ix) * channels
                                for c in 0..<channels { sum[c] += pixel[c] }
                            }
                        }
                        let count = countIncludePad ? kernel * kernel : rows.count * columns.count
                        let scale = 1 / Float(count)
                        for c in 0..<channels { sum[c] *= scale }
                    }
                }
                let rowCount = input.batch * outputHeight
                let parts = CoreBudget.current > 1 && total >= 1 << 16 ? CoreBudget.current : 1
                parallelFor(count: parts) { part in
                    for index in rowCount * part / parts..<rowCount * (part + 1) / parts { row(index) }
                }
            }
        }
        return output
    }
}
