/// Parametric ReLU with one slope per channel: x for x > 0, slope[c] * x otherwise (torch.nn.PReLU(channels)).
/// Kernels fuse it into the layer before it (`UnpaddedConvolution`); `apply` is the standalone form.
public struct PReLU: Sendable, Equatable {
    public let slopes: [Float]

    public init(slopes: [Float]) {
        self.slopes = slopes
    }

    /// In place over a feature map whose channels are this layer's.
    public func apply(_ map: inout FeatureMap) {
        precondition(map.channels == slopes.count, "PReLU has \(slopes.count) slopes, the map \(map.channels) channels")
        let (channels, pixels) = (slopes.count, map.pixelCount)
        slopes.withUnsafeBufferPointer { a in
            map.data.withUnsafeMutableBufferPointer { x in
                for pixel in 0..<pixels {
                    let line = x.baseAddress! + pixel * channels
                    for c in 0..<channels where line[c] <= 0 { line[c] *= a[c] }
                }
            }
        }
    }
}

extension SIMD8 where Scalar == Float {
    /// PReLU on eight channels: the lanes that are not above zero times their slopes (as torch: x > 0 ? x : a * x).
    @inline(__always)
    func preluActivated(slopes: SIMD8<Float>) -> SIMD8<Float> {
        var y = self
        y.replace(with: self * slopes, where: self .<= 0)
        return y
    }
}
