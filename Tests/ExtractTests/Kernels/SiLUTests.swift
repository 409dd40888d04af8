import Foundation
import Testing
@testable import Extract

@Suite struct SiLUTests {
    /// The vectorised e^x against Foundation's expf over the range SiLU and the sigmoid feed it.
    @Test func vectorExpIsWithinTwoUlpOfFoundation() {
        var worst: Float = 0
        var x: Float = -87
        while x < 87.99 {  // the last lanes stay inside the unclamped range
            let lanes = SIMD16<Float>((0..<16).map { x + Float($0) * 0.000_61 })
            let fast = vectorExp(lanes)
            for i in 0..<16 {
                let exact = Foundation.exp(lanes[i])
                worst = max(worst, abs(fast[i] - exact) / exact.ulp)
            }
            x += 0.0137
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
    }

    @Test func appliesSiLUInPlaceIncludingTheScalarTail() {
        var random = TestRandom(seed: 3)
        // 37 values: two 16-lane steps and a 5-value tail; scaled to reach the saturated ends.
        var values = random.values(37).map { $0 * 40 } + [-200, 200, 0]
        let expected = values.map { $0 / (1 + Foundation.exp(-$0)) }
        values.withUnsafeMutableBufferPointer { applySiLU($0.baseAddress!, count: $0.count) }
        for (got, want) in zip(values, expected) {
            #expect(abs(got - want) <= 4 * max(abs(want).ulp, Float.leastNormalMagnitude), "\(got) vs \(want)")
        }
    }

    /// The AVX-512 pass runs the vector path's operations one for one, each correctly rounded: the same bits
    /// by construction, over the whole range, both clamps, signed zeros, infinities and NaN.
    @Test(.enabled(if: KernelISA.avx512Available))
    func avx512EqualsTheVectorPathBitForBitByConstruction() {
        var random = TestRandom(seed: 21)
        let specials: [Float] = [0, -0, .infinity, -.infinity, .nan, 87, -87, 88, -88, 89, -104, 1e-30, -1e-30]
        let values = random.values(4096).enumerated().map { $1 * Float(1 + $0 % 120) } + specials + [1, 2, 3]
        var (wide, narrow) = (values, values)
        wide.withUnsafeMutableBufferPointer { applySiLU($0.baseAddress!, count: $0.count, isa: .avx512) }
        narrow.withUnsafeMutableBufferPointer { applySiLU($0.baseAddress!, count: $0.count, isa: .avx2) }
        let differing = zip(values, zip(wide, narrow)).filter { $1.0.bitPattern != $1.1.bitPattern }
        #expect(differing.isEmpty, "\(differing.count) differ, first \(differing.prefix(4).map { "\($0.0): \($0.1.0) vs \($0.1.1)" })")
    }

    /// Every layer kind applies SiLU after its bias (the clamping kernels leave it to a pass of their own).
    @Test func layersWithSiLUMatchTheNaiveConvolution() {
        var random = TestRandom(seed: 11)
        let input = TestRandom.map(batch: 2, height: 9, width: 10, channels: 24, seed: 5)
        let (pointwiseWeights, depthwiseWeights, stemWeights) = (random.values(32 * 24), random.values(24 * 25),
                                                                 random.values(16 * 24 * 9))
        let (bias32, bias24, bias16) = (random.values(32), random.values(24), random.values(16))
        let pointwise = PointwiseConvolution(weights: pointwiseWeights, bias: bias32, inputChannels: 24,
                                             activation: .silu)
        let depthwise = DepthwiseConvolution(torchWeights: depthwiseWeights, bias: bias24, kernelSize: 5, stride: 1,
                                             padding: .symmetric(kernel: 5), activation: .silu)
        let stem = Convolution(torchWeights: stemWeights, bias: bias16, inputChannels: 24, kernelHeight: 3,
                               kernelWidth: 3, stride: 2, padding: .symmetric(kernel: 3), activation: .silu)
        let cases: [(FeatureMap, FeatureMap)] = [
            (pointwise(input), naiveConvolution(input, torchWeights: pointwiseWeights, bias: bias32, kernelHeight: 1,
                                                kernelWidth: 1, stride: 1, padding: .none, groups: 1, activation: .silu)),
            (depthwise(input), naiveConvolution(input, torchWeights: depthwiseWeights, bias: bias24, kernelHeight: 5,
                                                kernelWidth: 5, stride: 1, padding: .symmetric(kernel: 5), groups: 24,
                                                activation: .silu)),
            (stem(input), naiveConvolution(input, torchWeights: stemWeights, bias: bias16, kernelHeight: 3,
                                           kernelWidth: 3, stride: 2, padding: .symmetric(kernel: 3), groups: 1,
                                           activation: .silu)),
        ]
        for (got, want) in cases {
            #expect(got.height == want.height && got.width == want.width && got.channels == want.channels)
            #expect(maxAbsoluteDifference(got.data, want.data) < 1e-4)
        }
    }
}
