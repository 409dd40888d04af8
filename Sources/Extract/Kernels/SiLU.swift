import CKernels
import Foundation

/// SiLU (swish) x * sigmoid(x) = x / (1 + e^-x), in place over `count` floats, 16 lanes at a time (on AVX-512
/// by `dfh_silu_avx512`, the same operations in zmm registers, so the same bits).
/// The layers apply it right after writing a row or tile, while the values are still in cache: the fused
/// kernels only clamp, and a sigmoid does not fit their bounds.
func applySiLU(_ values: UnsafeMutablePointer<Float>, count: Int, isa: KernelISA = .active) {
    var i = 0
    if isa == .avx512 {
        dfh_silu_avx512(values, count / 16)
        i = count / 16 * 16
    }
    while i + 16 <= count {
        let x = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(values + i).storeBytes(of: x / (1 + vectorExp(-x)), as: SIMD16<Float>.self)
        i += 16
    }
    while i < count {
        values[i] = scalarSiLU(values[i])
        i += 1
    }
}

/// The scalar SiLU, for tails and references.
@inline(__always)
func scalarSiLU(_ x: Float) -> Float { x / (1 + Foundation.exp(-x)) }

/// The logistic sigmoid 1 / (1 + e^-x) (squeeze-and-excitation's gate).
@inline(__always)
func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

/// e^x lane-wise, within 2 ulp of `exp` for x in [-87, 88] (inputs outside are clamped there; SiLU and the
/// sigmoid only need the far tails to saturate). Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2, e^r by a
/// degree-7 polynomial, 2^n written straight into the exponent bits. (Train's `laneExp` is the 8-lane twin.)
@inline(__always)
func vectorExp(_ input: SIMD16<Float>) -> SIMD16<Float> {
    typealias Lanes = SIMD16<Float>
    // `replacing` compiles to compares and blends; pointwiseMin/Max stay generic calls.
    let low = Lanes(repeating: -87), high = Lanes(repeating: 88)
    let x = input.replacing(with: low, where: input .< low).replacing(with: high, where: input .> high)
    // Adding 1.5 * 2^23 rounds x / ln2 to the nearest integer n, which then sits in the low mantissa bits.
    let shifter = Lanes(repeating: 12_582_912)
    let shifted = shifter.addingProduct(x, Lanes(repeating: 1.442_695_04))
    let n = shifted - shifter
    // r = x - n ln2 in two steps (ln2 split into an exact high part and a correction) for full precision.
    var r = x.addingProduct(n, Lanes(repeating: -0.693_359_375))
    r = r.addingProduct(n, Lanes(repeating: 2.121_944_4e-4))
    var p = Lanes(repeating: 1.398_199_95e-3).addingProduct(Lanes(repeating: 1.987_569_15e-4), r)
    p = Lanes(repeating: 8.333_451_9e-3).addingProduct(p, r)
    p = Lanes(repeating: 4.166_579_59e-2).addingProduct(p, r)
    p = Lanes(repeating: 1.666_666_55e-1).addingProduct(p, r)
    p = Lanes(repeating: 5.000_000_12e-1).addingProduct(p, r)
    p = (r + Lanes(repeating: 1)).addingProduct(p, r * r)
    // 2^n: the shifted value's bits minus the shifter's are n; moved into the exponent field.
    let exponentBits = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(exponentBits, to: Lanes.self)
}
