import Testing
@testable import Extract

/// Winograd's F(2x2, 3x3) and F(4x4, 3x3) against the definition in double precision, and the same bits however
/// a batch, the cores or the instruction set split the work (fixed transforms, the packed 1x1 kernel's fixed chains).
@Suite struct Winograd3x3Tests {
    /// (in, out, height, width, batch, tile, padding): sides that leave a partial last tile row or column (1, 2 or 3
    /// of 4 outputs past the edge), one and several 16-wide output panels, K = 256 as in ResNet's third stage, and
    /// unpadded layers (Inception's stem: 149 -> 147, 73 -> 71), whose outputs are two rows and columns fewer.
    @Test(arguments: [(8, 16, 14, 14, 1, 2, 1), (16, 24, 15, 14, 2, 2, 1), (24, 32, 14, 17, 1, 2, 1),
                      (256, 64, 16, 16, 1, 2, 1), (8, 16, 14, 14, 1, 4, 1), (16, 24, 15, 13, 2, 4, 1),
                      (24, 32, 16, 17, 1, 4, 1), (256, 64, 16, 16, 1, 4, 1), (16, 24, 17, 15, 2, 2, 0),
                      (32, 32, 17, 19, 1, 4, 0), (80, 48, 18, 16, 2, 4, 0)])
    func matchesTheDefinition(_ shape: (Int, Int, Int, Int, Int, Int, Int)) {
        let (inputs, outputs, height, width, batch, tile, padding) = shape
        let input = TestRandom.map(batch: batch, height: height, width: width, channels: inputs, seed: 31)
        var random = TestRandom(seed: 32)
        let weights = random.values(outputs * inputs * 9)
        let bias = random.values(outputs)
        for activation in [Activation.identity, .relu] {
            let layer = Winograd3x3(torchWeights: weights, bias: bias, inputChannels: inputs, activation: activation,
                                    tile: tile, padding: padding)
            let want = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: 3, kernelWidth: 3,
                                        stride: 1, padding: padding == 1 ? .symmetric(kernel: 3) : .none, groups: 1,
                                        activation: activation)
            // All tiles at once, and in chunks of 12 and 30 tiles (the last one short).
            for chunkRows in [Int.max, 12, 30] {
                let got = layer(input, chunkRows: chunkRows)
                #expect([got.batch, got.height, got.width, got.channels] == [want.batch, want.height, want.width, want.channels])
                // The transforms scale terms by up to 4 (F(4x4): 25 in Bᵀ d B, 64 in Aᵀ M A, against Gs of 1/24)
                // before they cancel: ulps of the products' magnitude, which grows as sqrt(9 * in) here.
                let tolerance = (tile == 4 ? 4e-5 : 4e-6) * Float(9 * inputs).squareRoot()
                #expect(maxAbsoluteDifference(got.data, want.data) < tolerance, "\(shape) chunks of \(chunkRows)")
            }
        }
    }

    /// The convolution layer takes the Winograd path on frames of at least `minimumTiles` tiles, whatever the
    /// batch, and keeps the direct product below it; both agree with the definition.
    @Test func convolutionUsesItOnLargeFramesOnly() throws {
        var random = TestRandom(seed: 33)
        let (weights, bias) = (random.values(16 * 16 * 9), random.values(16))
        let layer = Convolution(torchWeights: weights, bias: bias, inputChannels: 16, kernelHeight: 3, kernelWidth: 3,
                                stride: 1, padding: .symmetric(kernel: 3), activation: .relu)
        let winograd = try #require(layer.winograd)
        // A 7x7 frame (16 tiles) is at the threshold; a 5x6 one (9) is below it, even four in a pass.
        #expect(Winograd3x3.minimumTiles == 16)
        let large = TestRandom.map(batch: 1, height: 7, width: 7, channels: 16, seed: 34)
        let sameAsWinograd = layer(large) == winograd(large)
        #expect(sameAsWinograd)
        let small = TestRandom.map(batch: 4, height: 5, width: 6, channels: 16, seed: 35)
        let direct = layer(small) == layer.im2colProduct(small)  // the padded product sums as im2col does
        #expect(direct)
        for input in [large, small] {
            let want = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: 3, kernelWidth: 3,
                                        stride: 1, padding: .symmetric(kernel: 3), groups: 1, activation: .relu)
            #expect(maxAbsoluteDifference(layer(input).data, want.data) < 1e-4)
        }
        let strided = Convolution(torchWeights: weights, bias: bias, inputChannels: 16, kernelHeight: 3, kernelWidth: 3,
                                  stride: 2, padding: .symmetric(kernel: 3), activation: .relu)
        #expect(strided.winograd == nil)
        // With 4x4 tiles a 13x13 frame has 16, a 12x12 one 9: the direct product.
        let wide = Convolution(torchWeights: weights, bias: bias, inputChannels: 16, kernelHeight: 3, kernelWidth: 3,
                               stride: 1, padding: .symmetric(kernel: 3), activation: .relu, winogradTile: 4)
        let wideWinograd = try #require(wide.winograd)
        #expect(wideWinograd.tile == 4 && wideWinograd.positions == 36)
        let thirteen = TestRandom.map(batch: 1, height: 13, width: 13, channels: 16, seed: 38)
        let twelve = TestRandom.map(batch: 2, height: 12, width: 12, channels: 16, seed: 39)
        let onF4 = wide(thirteen) == wideWinograd(thirteen), twelveDirect = wide(twelve) == wide.im2colProduct(twelve)
        #expect(onF4 && twelveDirect)
        // Unpadded, the tiles count the smaller output: a 15x15 frame has 13x13 outputs, 16 4x4 tiles.
        let valid = Convolution(torchWeights: weights, bias: bias, inputChannels: 16, kernelHeight: 3, kernelWidth: 3,
                                stride: 1, padding: .none, activation: .relu, winogradTile: 4)
        let validWinograd = try #require(valid.winograd)
        let fifteen = TestRandom.map(batch: 1, height: 15, width: 15, channels: 16, seed: 40)
        let fourteen = TestRandom.map(batch: 1, height: 14, width: 14, channels: 16, seed: 41)
        let validOnF4 = valid(fifteen) == validWinograd(fifteen)
        let fourteenDirect = valid(fourteen) == valid.im2colProduct(fourteen)
        #expect(validOnF4 && fourteenDirect && valid(fifteen).height == 13)
        let want = naiveConvolution(fifteen, torchWeights: weights, bias: bias, kernelHeight: 3, kernelWidth: 3,
                                    stride: 1, padding: .none, groups: 1, activation: .relu)
        #expect(maxAbsoluteDifference(valid(fifteen).data, want.data) < 1e-4)
    }

    /// A frame gives the same bits alone or in a batch, on one core or two, with AVX2 or AVX-512 tiles, with its
    /// tiles all at once or in chunks.
    @Test(arguments: [2, 4])
    func batchCoresAndISAChangeNoBitByConstruction(tile: Int) {
        let inputs = 32, outputs = 48
        var random = TestRandom(seed: 36)
        let layer = Winograd3x3(torchWeights: random.values(outputs * inputs * 9), bias: random.values(outputs),
                                inputChannels: inputs, activation: .relu, tile: tile)
        let batch = TestRandom.map(batch: 3, height: 15, width: 16, channels: inputs, seed: 37)
        // 2x2: 192 tiles, run by size in chunks of 144; 4x4: 48 tiles in chunks of 60 (one). Int.max below runs
        // them all at once.
        #expect(Winograd3x3.chunkRows(inputs: inputs, outputs: outputs, positions: layer.positions) == (tile == 2 ? 144 : 60))
        let reference = layer(batch, threads: 1, isa: .avx2)
        let frameFloats = 15 * 16 * inputs
        let second = FeatureMap(batch: 1, height: 15, width: 16, channels: inputs,
                                data: Array(batch.data[frameFloats..<2 * frameFloats]))
        let alone = layer(second, threads: 1, isa: .avx2)
        let sameAlone = alone.data == Array(reference.data[15 * 16 * outputs..<2 * 15 * 16 * outputs])
        #expect(sameAlone)
        let sameOnTwo = layer(batch, threads: 2, isa: .avx2) == reference
        #expect(sameOnTwo)
        for (chunkRows, threads) in [(12, 1), (36, 2), (Int.max, 2)] {
            let sameChunked = layer(batch, threads: threads, isa: .avx2, chunkRows: chunkRows) == reference
            #expect(sameChunked, "chunks of \(chunkRows) on \(threads) threads")
        }
        guard KernelISA.avx512Available else { return }
        for threads in [1, 2] {
            let sameWide = layer(batch, threads: threads, isa: .avx512) == reference
            #expect(sameWide)
        }
    }
}
