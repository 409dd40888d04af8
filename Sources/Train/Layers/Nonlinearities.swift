#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// tanh through one expf: 1 - 2 / (exp(2x) + 1); saturates cleanly to +-1 for large |x|.
@inline(__always) func fastTanh(_ x: Float) -> Float {
    1 - 2 / (expf(2 * x) + 1)
}

/// Logistic function in the branch whose exponential cannot overflow.
@inline(__always) func sigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}
