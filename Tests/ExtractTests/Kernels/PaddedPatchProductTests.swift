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

    /// The AVX-512 12 x 32 tiles (Inception's shapes: 1x7 and 7x1 with their padding, a strided 3x3; 48 outputs
    /// make a lone last panel; maps whose pixel count leaves a short last block) give the AVX2 tiles' bits.
    @Test(arguments: [(1, 7, 1, Padding(top: 0, left: 3, bottom: 0, right: 3)),
                      (7, 1, 1, Padding(top: 3, left: 0, bottom: 3, right: 0)), (3, 3, 2, Padding.none)])
    func avx512TilesMatchTheAVX2TilesBitForBit(_ c: (Int, Int, Int, Padding)) throws {
        guard KernelISA.avx512Available else { return }
        let (kernelHeight, kernelWidth, stride, padding) = c
        let input = TestRandom.map(batch: 2, height: 9, width: 11, channels: 5, seed: 16)
        var random = TestRandom(seed: 17)
        let (weights, bias) = (random.values(48 * 5 * kernelHeight * kernelWidth), random.values(48))
        let layer = Convolution(torchWeights: weights, bias: bias, inputChannels: 5, kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride,
                                padding: padding, activation: .relu)
        var product = try #require(layer.paddedPatchProduct)
        let (height, width) = layer.outputSize(input)
        product.isa = .avx512
        let wide = product(input, outputHeight: height, outputWidth: width, threads: 1)
        product.isa = .avx2
        let narrow = product(input, outputHeight: height, outputWidth: width, threads: 1)
        #expect(wide == narrow)
        let want = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: kernelHeight,
                                    kernelWidth: kernelWidth, stride: stride, padding: padding, groups: 1, activation: .relu)
        #expect(maxAbsoluteDifference(wide.data, want.data) < 1e-5)
    }

    @Test func outputsOutsideWholePanelsKeepTheIm2colPath() {
        var random = TestRandom(seed: 15)
        let layer = Convolution(torchWeights: random.values(24 * 3 * 9), bias: random.values(24), inputChannels: 3,
                                kernelHeight: 3, kernelWidth: 3, stride: 2, padding: .symmetric(kernel: 3),
                                activation: .relu6)
        #expect(layer.paddedPatchProduct == nil)
    }
}
