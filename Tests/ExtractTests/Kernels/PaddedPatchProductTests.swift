import Testing
@testable import Extract

/// The stems' im2col-free product: the same sums in the same order as the im2col path, so bit-identical to it,
/// and equal to the convolution's definition.
@Suite struct PaddedPatchProductTests {
    /// (in, out, kernel, stride, padding, height, width, batch): both stems' shapes at small sizes (torch
    /// symmetric and TF 'SAME' padding), a 5x5 and a stride-1 kernel with uneven padding, 32 outputs (two
    /// panels), an output row width that six-pixel tiles straddle (7), and a 2x2 map (one
    /// output pixel, no full tile: the layer leaves it to the im2col path).
    @Test(arguments: [
        (3, 32, 3, 2, Padding.symmetric(kernel: 3), 13, 14, 2),
        (3, 32, 3, 2, Padding.tensorFlowSame(inputHeight: 14, inputWidth: 13, kernel: 3, stride: 2), 14, 13, 3),
        (4, 16, 5, 2, Padding.tensorFlowSame(inputHeight: 9, inputWidth: 11, kernel: 5, stride: 2), 9, 11, 1),
        (5, 16, 3, 1, Padding(top: 1, left: 0, bottom: 2, right: 1), 6, 7, 2),
        (3, 16, 3, 2, Padding.symmetric(kernel: 3), 2, 2, 1),
    ])
    func matchesIm2colBitForBitAndTheDefinition(_ c: (Int, Int, Int, Int, Padding, Int, Int, Int)) {
        let (inputs, outputs, kernel, stride, padding, height, width, batch) = c
        let input = TestRandom.map(batch: batch, height: height, width: width, channels: inputs, seed: 11)
        var random = TestRandom(seed: 12)
        let weights = random.values(outputs * inputs * kernel * kernel).map { $0 * 3 }  // reaches ReLU6's 6
        let bias = random.values(outputs)
        for activation in [Activation.identity, .relu6] {
            let layer = Convolution(torchWeights: weights, bias: bias, inputChannels: inputs, kernelHeight: kernel,
                                    kernelWidth: kernel, stride: stride, padding: padding, activation: activation)
            #expect(layer.paddedPatchProduct != nil)
            let got = layer(input)
            let sameAsIm2col = got == layer.im2colProduct(input)
            #expect(sameAsIm2col)
            let want = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: kernel,
                                        kernelWidth: kernel, stride: stride, padding: padding, groups: 1,
                                        activation: activation)
            #expect([got.batch, got.height, got.width, got.channels] == [want.batch, want.height, want.width, want.channels])
            #expect(maxAbsoluteDifference(got.data, want.data) < 1e-5)
        }
    }

    /// One frame on several cores splits whole six-pixel tiles; the result does not change by a bit.
    @Test func splittingOneFrameOverCoresChangesNoBit() throws {
        let input = TestRandom.map(batch: 1, height: 31, width: 29, channels: 3, seed: 13)
        var random = TestRandom(seed: 14)
        let layer = Convolution(torchWeights: random.values(32 * 3 * 9), bias: random.values(32), inputChannels: 3,
                                kernelHeight: 3, kernelWidth: 3, stride: 2, padding: .symmetric(kernel: 3),
                                activation: .relu6)
        let product = try #require(layer.paddedPatchProduct)
        let (height, width) = layer.outputSize(input)
        let single = product(input, outputHeight: height, outputWidth: width, threads: 1)
        let sameOnTwo = product(input, outputHeight: height, outputWidth: width, threads: 2) == single
        let sameOnThree = product(input, outputHeight: height, outputWidth: width, threads: 3) == single
        let sameAsIm2col = single == layer.im2colProduct(input)
        #expect(sameOnTwo && sameOnThree && sameAsIm2col)
    }

    /// The AVX-512 12 x 32 tile sums in the AVX2 tile's order: the same bits, a lone last panel (48 outputs)
    /// and exact tail tiles of pixels % 12 (two 9 x 9 maps: 162 pixels, or 81 a share on two threads) included;
    /// and both match the definition.
    /// 256 inputs (K = 2304) split the 5 panels into L2-sized groups of 2, 2 and 1: the same chains.
    @Test(arguments: [(16, 48, 3, 1), (16, 48, 3, 2), (3, 64, 7, 2), (256, 80, 3, 1)])
    func avx512TileMatchesAVX2BitForBit(_ c: (Int, Int, Int, Int)) throws {
        let (inputs, outputs, kernel, stride) = c
        let input = TestRandom.map(batch: 2, height: 9 * stride, width: 9 * stride, channels: inputs, seed: 16)
        var random = TestRandom(seed: 17)
        let (weights, bias) = (random.values(outputs * inputs * kernel * kernel), random.values(outputs))
        let layer = Convolution(torchWeights: weights, bias: bias, inputChannels: inputs, kernelHeight: kernel,
                                kernelWidth: kernel, stride: stride, padding: .symmetric(kernel: kernel),
                                activation: .relu)
        let product = try #require(layer.paddedPatchProduct)
        let (height, width) = layer.outputSize(input)
        let avx2 = product(input, outputHeight: height, outputWidth: width, threads: 1, isa: .avx2)
        let want = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: kernel, kernelWidth: kernel,
                                    stride: stride, padding: .symmetric(kernel: kernel), groups: 1, activation: .relu)
        // Relative to the largest output: K = 2304 sums reach tens, where float rounding differs by 1e-4 in order.
        let scale = max(1, want.data.map(abs).max() ?? 0)
        #expect(maxAbsoluteDifference(avx2.data, want.data) < 1e-5 * scale * Float(kernel * kernel * inputs).squareRoot())
        guard KernelISA.avx512Available else { return }
        for threads in [1, 2] {
            let same = product(input, outputHeight: height, outputWidth: width, threads: threads, isa: .avx512) == avx2
            #expect(same)
        }
    }

    @Test func outputsOutsideWholePanelsKeepTheIm2colPath() {
        var random = TestRandom(seed: 15)
        let layer = Convolution(torchWeights: random.values(24 * 3 * 9), bias: random.values(24), inputChannels: 3,
                                kernelHeight: 3, kernelWidth: 3, stride: 2, padding: .symmetric(kernel: 3),
                                activation: .relu6)
        #expect(layer.paddedPatchProduct == nil)
    }
}
