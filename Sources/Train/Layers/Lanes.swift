#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Eight floats processed together. Swift's own SIMD `squareRoot` and libm's `expf` go one lane at a time
/// through a library call, so the hot loops (GRU gates, Adam) use these lane-wise versions instead.
typealias Lanes = SIMD8<Float>

extension SIMD8 where Scalar == Float {
    /// Up to 8 values from `p`, zero-filled past `count` (the tail of a row whose width is not a multiple of 8).
    @inline(__always) static func load(_ p: UnsafePointer<Float>, count: Int = 8) -> Lanes {
        if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
        var v = Lanes()
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// Writes the first `count` lanes (all 8 by default) to `p`.
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, count: Int = 8) {
        if count >= 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: self, as: Lanes.self)
            return
        }
        for i in 0..<count { p[i] = self[i] }
    }

    /// IEEE square root of every lane (sqrtps: the same correctly rounded result as the scalar one).
    @inline(__always) func laneSquareRoot() -> Lanes {
        #if arch(x86_64)
        return Lanes(lowHalf: _mm_sqrt_ps(lowHalf), highHalf: _mm_sqrt_ps(highHalf))
        #else
        var r = self
        for i in 0..<8 { r[i] = self[i].squareRoot() }
        return r
        #endif
    }

    /// e^x within about 2 ulp for x in [-87, 88] (clamped outside): x = n ln2 + f with |f| <= ln2/2,
    /// e^f by Cephes' degree-7 polynomial, 2^n through the exponent bits.
    @inline(__always) func laneExp() -> Lanes {
        // `replacing` inlines to compares and masks; pointwiseMin/Max stay generic calls.
        let low = Lanes(repeating: -87), high = Lanes(repeating: 88)
        let x = replacing(with: low, where: self .< low).replacing(with: high, where: self .> high)
        // Adding 1.5 * 2^23 rounds x / ln2 to the nearest integer and leaves it in the low mantissa bits.
        let magic = Lanes(repeating: 12_582_912)
        let shifted = x * Lanes(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        var f = x - n * Lanes(repeating: 0.693_359_375)
        f = f - n * Lanes(repeating: -2.121_944_4e-4)
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * f + Lanes(repeating: 1.398_199_95e-3)
        p = p * f + Lanes(repeating: 8.333_451_9e-3)
        p = p * f + Lanes(repeating: 4.166_579_59e-2)
        p = p * f + Lanes(repeating: 1.666_666_55e-1)
        p = p * f + Lanes(repeating: 5.000_000_12e-1)
        p = p * (f * f) + f + Lanes(repeating: 1)
        let exponentBits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponentBits, to: Lanes.self)
    }

    /// Logistic function 1 / (1 + e^-x); saturates to 0 and 1 without overflow thanks to the clamp in laneExp.
    @inline(__always) func laneSigmoid() -> Lanes {
        Lanes(repeating: 1) / (Lanes(repeating: 1) + (-self).laneExp())
    }

    /// tanh as 1 - 2 / (e^2x + 1), the form the scalar `fastTanh` uses.
    @inline(__always) func laneTanh() -> Lanes {
        Lanes(repeating: 1) - Lanes(repeating: 2) / ((self + self).laneExp() + Lanes(repeating: 1))
    }
}
