/// Pointwise nonlinearity fused into the layer that precedes it.
public enum Activation: Sendable, Equatable {
    case identity
    case relu
    /// min(max(x, 0), 6): MobileNetV2 and EfficientNet-Lite (friendlier to quantisation than swish).
    case relu6
    /// x * sigmoid(x) (swish): EfficientNet-B*. The clamping kernels write the linear value and the layer then
    /// runs `applySiLU` over what it just wrote (`ActivationBounds` treats it as identity).
    case silu

    @inline(__always)
    func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .identity: return x
        case .relu: return max(x, 0)
        case .relu6: return min(max(x, 0), 6)
        case .silu: return scalarSiLU(x)
        }
    }
}

/// Adds a per-channel bias to rows of `channels` values and applies the activation, in place.
/// values: [rows, channels] row-major.
@inline(__always)
func addBiasAndActivate(_ values: UnsafeMutablePointer<Float>, rows: Int, bias: [Float], activation: Activation) {
    let channels = bias.count
    bias.withUnsafeBufferPointer { bias in
        switch activation {
        case .identity:
            for row in 0..<rows {
                let line = values + row * channels
                for c in 0..<channels { line[c] += bias[c] }
            }
        case .relu:
            for row in 0..<rows {
                let line = values + row * channels
                for c in 0..<channels { line[c] = max(line[c] + bias[c], 0) }
            }
        case .relu6:
            for row in 0..<rows {
                let line = values + row * channels
                for c in 0..<channels { line[c] = min(max(line[c] + bias[c], 0), 6) }
            }
        case .silu:
            for row in 0..<rows {
                let line = values + row * channels
                for c in 0..<channels { line[c] += bias[c] }
            }
            applySiLU(values, count: rows * channels)
        }
    }
}
