/// Eight channels of one pixel: the unit the hand-vectorised kernels work in (one AVX register).
typealias ChannelVector = SIMD8<Float>

extension SIMD8 where Scalar == Float {
    @inline(__always)
    init(loadingFrom pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD8<Float>.self)
    }
}

/// An activation as lane-wise bounds, so kernels clamp with one max and one min (vmaxps / vminps) and no branch;
/// identity is (-inf, +inf), and so is SiLU, which the layer applies in a pass of its own (`applySiLU`).
struct ActivationBounds {
    let lower: ChannelVector
    let upper: ChannelVector

    init(_ activation: Activation) {
        switch activation {
        case .identity, .silu: (lower, upper) = (ChannelVector(repeating: -.infinity), ChannelVector(repeating: .infinity))
        case .relu: (lower, upper) = (ChannelVector(repeating: 0), ChannelVector(repeating: .infinity))
        case .relu6: (lower, upper) = (ChannelVector(repeating: 0), ChannelVector(repeating: 6))
        }
    }

    @inline(__always)
    func callAsFunction(_ x: ChannelVector) -> ChannelVector {
        var y = x
        y.replace(with: lower, where: y .< lower)
        y.replace(with: upper, where: y .> upper)
        return y
    }
}
