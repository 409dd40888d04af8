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

extension Activation {
    /// The activation on eight lanes at once (compare-and-select, no library calls).
    @inline(__always)
    func apply(to x: ChannelVector) -> ChannelVector {
        switch self {
        case .identity:
            return x
        case .relu:
            return x.replacing(with: 0, where: x .< 0)
        case .relu6:
            let positive = x.replacing(with: 0, where: x .< 0)
            return positive.replacing(with: 6, where: positive .> 6)
        }
    }
}
