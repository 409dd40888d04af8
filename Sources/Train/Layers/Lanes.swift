#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Eight floats processed together. Swift's own SIMD `squareRoot` and libm's `expf` go one lane at a time
/// through a library call, so the hot loops (GRU gates, Adam) use these lane-wise versions instead.
typealias Lanes = SIMD8<Float>

extension SIMD8 where Scalar == Float {
    /// Up to 8 values from `p`, zero-filled past `count` (the tail of a row whose width is not a multiple of 8).
    /// One masked load rather than a loop, so kernels stay small enough for the inliner.
    @inline(always) static func load(_ p: UnsafePointer<Float>, count: Int = 8) -> Lanes {
        #if arch(x86_64)
        // Intrinsics rather than loadUnaligned: LLVM inlines them however large the calling kernel grows.
        if count >= 8 { return _mm256_loadu_ps(p) }
        return _mm256_maskload_ps(p, firstLanes(count))
        #else
        if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
        var v = Lanes()
        for i in 0..<count { v[i] = p[i] }
        return v
        #endif
    }

    /// Writes the first `count` lanes (all 8 by default) to `p`.
    @inline(always) func store(_ p: UnsafeMutablePointer<Float>, count: Int = 8) {
        #if arch(x86_64)
        if count >= 8 { return _mm256_storeu_ps(p, self) }
        _mm256_maskstore_ps(p, Self.firstLanes(count), self)
        #else
        if count >= 8 { return UnsafeMutableRawPointer(p).storeBytes(of: self, as: Lanes.self) }
        for i in 0..<count { p[i] = self[i] }
        #endif
    }

    #if arch(x86_64)
    /// The AVX mask that selects lanes 0..<count.
    @inline(always) private static func firstLanes(_ count: Int) -> __m256i {
        let selected = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: count))
        return unsafeBitCast(SIMD8<Int32>(repeating: 0).replacing(with: -1, where: selected), to: __m256i.self)
    }
    #endif

    /// IEEE square root of every lane (sqrtps: the same correctly rounded result as the scalar one).
    @inline(always) func laneSquareRoot() -> Lanes {
        #if arch(x86_64)
        return Lanes(lowHalf: _mm_sqrt_ps(lowHalf), highHalf: _mm_sqrt_ps(highHalf))
        #else
        var r = self
        for i in 0..<8 { r[i] = self[i].squareRoot() }
        return r
        #endif
    }

    /// e^x within about 2 ulp for x in [-87, 88] (clamped outside): x = n ln2 + f with |f| <= ln2/2,
    /// e^f by Cephes' degree-7 polynomial, 2^n through the exponent bits. Fused multiply-adds keep the
    /// dependency chain short: the GRU step waits on it three times a row.
    @inline(always) func laneExp() -> Lanes {
        // `replacing` inlines to compares and masks; pointwiseMin/Max stay generic calls.
        let low = Lanes(repeating: -87), high = Lanes(repeating: 88)
        let x = replacing(with: low, where: self .< low).replacing(with: high, where: self .> high)
        // Adding 1.5 * 2^23 rounds x / ln2 to the nearest integer and leaves it in the low mantissa bits.
        let magic = Lanes(repeating: 12_582_912)
        let shifted = magic.addingProduct(x, Lanes(repeating: 1.442_695_04))
        let n = shifted - magic
        var f = x.addingProduct(n, Lanes(repeating: -0.693_359_375))
        f = f.addingProduct(n, Lanes(repeating: 2.121_944_4e-4))
        var p = Lanes(repeating: 1.398_199_95e-3).addingProduct(Lanes(repeating: 1.987_569_15e-4), f)
        p = Lanes(repeating: 8.333_451_9e-3).addingProduct(p, f)
        p = Lanes(repeating: 4.166_579_59e-2).addingProduct(p, f)
        p = Lanes(repeating: 1.666_666_55e-1).addingProduct(p, f)
        p = Lanes(repeating: 5.000_000_12e-1).addingProduct(p, f)
        p = (f + Lanes(repeating: 1)).addingProduct(p, f * f)
        let exponentBits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponentBits, to: Lanes.self)
    }

    /// Logistic function 1 / (1 + e^-x); saturates to 0 and 1 without overflow thanks to the clamp in laneExp.
    @inline(always) func laneSigmoid() -> Lanes {
        Lanes(repeating: 1) / (Lanes(repeating: 1) + (-self).laneExp())
    }

    /// tanh as 1 - 2 / (e^2x + 1), the form the scalar `fastTanh` uses.
    @inline(always) func laneTanh() -> Lanes {
        Lanes(repeating: 1) - Lanes(repeating: 2) / ((self + self).laneExp() + Lanes(repeating: 1))
    }
}
