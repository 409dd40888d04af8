import Testing
@testable import Extract

@Suite struct ConvolutionTests {
    @Test(arguments: [
        // (in, out, kh, kw, stride, groups, padding)
        (3, 8, 3, 3, 2, 1, Padding.symmetric(kernel: 3)),
        (4, 6, 3, 2, 1, 2, Padding(top: 1, left: 0, bottom: 2, right: 1)),
        (6, 6, 5, 5, 2, 3, Padding.tensorFlowSame(inputHeight: 9, inputWidth: 8, kernel: 5, stride: 2)),
        (5, 7, 1, 1, 1, 1, Padding.none),
    ])
    func generalConvolutionMatchesDefinition(_ c: (Int, Int, Int, Int, Int, Int, Padding)) {
        let (inputs, outputs, kh, kw, stride, groups, padding) = c
        let input = TestRandom.map(batch: 2, height: 9, width: 8, channels: inputs, seed: 1)
        var random = TestRandom(seed: 2)
        let weights = random.values(outputs * inputs / groups * kh * kw)
        let bias = random.values(outputs)
        for activation in [Activation.identity, .relu, .relu6] {
            let layer = Convolution(torchWeights: weights, bias: bias, inputChannels: inputs, kernelHeight: kh,
                                    kernelWidth: kw, stride: stride, padding: padding, groups: groups,
                                    activation: activation)
            let got = layer(input)
            let want = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: kh, kernelWidth: kw,
                                        stride: stride, padding: padding, groups: groups, activation: activation)
            #expect([got.height, got.width, got.channels] == [want.height, want.width, want.channels])
            #expect(maxAbsoluteDifference(got.data, want.data) < 1e-5)
        }
    }

    @Test(arguments: [
        // (channels, kernel, stride, TF same?) - 13 and 21 exercise the scalar tail after SIMD8 blocks; 45 and 40
        // the edge pixels' four-vector blocks followed by single vectors (and a scalar tail)
        (13, 3, 1, false), (24, 3, 2, false), (21, 5, 2, true), (32, 5, 1, true), (16, 3, 2, true),
        (45, 3, 1, false), (40, 5, 1, true),
    ])
    func depthwiseMatchesGroupedDefinition(_ c: (Int, Int, Int, Bool)) {
        let (channels, kernel, stride, tensorFlowSame) = c
        // 22 columns leave room for the 8-pixel 5x5 and 4-pixel stride-2 5x5 interior paths.
        for (height, width) in [(10, 10), (7, 9), (6, 22)] {
            let input = TestRandom.map(batch: 3, height: height, width: width, channels: channels, seed: 3)
            var random = TestRandom(seed: 4)
            let weights = random.values(channels * kernel * kernel)
            let bias = random.values(channels)
            let padding = tensorFlowSame
                ? Padding.tensorFlowSame(inputHeight: height, inputWidth: width, kernel: kernel, stride: stride)
                : Padding.symmetric(kernel: kernel)
            for activation in [Activation.identity, .relu6] {
                // Scale up so ReLU6 clipping at 6 is exercised too.
                let scaled = weights.map { $0 * 4 }
                let layer = DepthwiseConvolution(torchWeights: scaled, bias: bias, kernelSize: kernel, stride: stride,
                                                 padding: padding, activation: activation)
                let got = layer(input)
                let want = naiveConvolution(input, torchWeights: scaled, bias: bias, kernelHeight: kernel,
                                            kernelWidth: kernel, stride: stride, padding: padding, groups: channels,
                                            activation: activation)
                #expect([got.height, got.width] == [want.height, want.width])
                #expect(maxAbsoluteDifference(got.data, want.data) < 1e-5)
            }
        }
    }

    /// (output channels, input channels) through the packed-weights kernel: 6 x 16 tiles, 8-wide last panels (24,
    /// 40), last panels that are not whole vectors (3, 11, 12, 21: stored lanes only), short row tails (7, 13 rows).
    @Test(arguments: [(11, 7), (3, 4), (12, 9), (21, 5), (8, 1), (16, 7), (24, 33), (40, 16), (96, 24)])
    func pointwiseMatchesDefinition(_ shape: (Int, Int)) {
        let (outputs, inputs) = shape
        for (batch, height, width) in [(2, 3, 5), (1, 1, 7), (1, 13, 1)] {
            let input = TestRandom.map(batch: batch, height: height, width: width, channels: inputs, seed: 5)
            var random = TestRandom(seed: 6)
            let weights = random.values(outputs * inputs).map { $0 * 3 }  // large enough to reach ReLU6's 6
            let bias = random.values(outputs)
            let shortcut = TestRandom.map(batch: batch, height: height, width: width, channels: outputs, seed: 7)
            for activation in [Activation.identity, .relu, .relu6] {
                let layer = PointwiseConvolution(weights: weights, bias: bias, inputChannels: inputs,
                                                 activation: activation)
                let want = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: 1, kernelWidth: 1,
                                            stride: 1, padding: .none, groups: 1, activation: activation)
                #expect(maxAbsoluteDifference(layer(input).data, want.data) < 1e-5, "\(shape) \(activation)")
                // The residual is added before the activation.
                let linear = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: 1,
                                              kernelWidth: 1, stride: 1, padding: .none, groups: 1, activation: .identity)
                let withShortcut = zip(linear.data, shortcut.data).map { activation($0 + $1) }
                #expect(maxAbsoluteDifference(layer(input, adding: shortcut).data, withShortcut) < 1e-5,
                        "\(shape) \(activation) with shortcut")
            }
        }
    }

    /// The AVX-512 12 x 32 tiles against the AVX2 6 x 16 ones, bit for bit by construction (each output the same
    /// FMA chain, bias first, k in order, then shortcut and clamp): maps under one tile (1 and 5 rows), exact
    /// tail tiles of rows % 12, full panel pairs, a lone 16-wide panel, and masked partial last panels (8 columns
    /// stored 8 wide, 12 stored 16 wide, 4 stored 8 wide). K = 2048 engages the L2 blocking (groups of 2 of the 6
    /// panels, 48-row blocks, the last one short): the same chains.
    @Test(.enabled(if: KernelISA.avx512Available),
          arguments: [(12, 16, 8), (13, 32, 24), (49, 72, 40), (112, 44, 24), (197, 96, 33), (30, 48, 16),
                      (130, 104, 2048), (1, 24, 16), (5, 40, 7), (23, 100, 64), (361, 728, 96)])
    func avx512TilesEqualTheAVX2TilesBitForBit(_ shape: (Int, Int, Int)) {
        let (rows, outputs, inputs) = shape
        var random = TestRandom(seed: 9)
        let x = random.values(rows * inputs), shortcut = random.values(rows * outputs)
        let packed = PackedPointwiseWeights(weights: random.values(outputs * inputs).map { $0 * 3 },
                                            inputChannels: inputs, outputChannels: outputs)
        let bias = random.values(outputs)
        func run(_ isa: KernelISA, _ activation: Activation, residual: Bool) -> [Float] {
            [Float](unsafeUninitializedCapacity: rows * outputs) { y, count in
                x.withUnsafeBufferPointer { x in
                    shortcut.withUnsafeBufferPointer { s in
                        multiplyPacked(x.baseAddress!, rows: rows, packed, bias: bias, shortcut: residual ? s.baseAddress! : nil,
                                       bounds: ActivationBounds(activation), into: y.baseAddress!, isa: isa)
                    }
                }
                count = rows * outputs
            }
        }
        for activation in [Activation.identity, .relu6] {
            for residual in [false, true] {
                let wide = run(.avx512, activation, residual: residual)
                #expect(wide == run(.avx2, activation, residual: residual), "\(shape) \(activation) residual \(residual)")
                #expect(wide.contains { $0 != 0 })
            }
        }
    }

    /// Every register tile this CPU can run against the scalar chain it claims to compute, bit for bit by
    /// construction on every CPU: bias, one fused multiply-add per input in order, + shortcut, then the clamp.
    /// Covers the AVX2 6 x 16 tiles where AVX-512 is absent: one-row and 5-row maps, exact tails of rows % 6 and
    /// % 12, a lone 8-wide panel, masked partial panels (4, 7, 12 of 16 columns) and K = 2048 (L2 groups of one
    /// panel, short row blocks).
    @Test(arguments: [(13, 32, 24), (1, 24, 16), (5, 40, 7), (49, 72, 40), (23, 100, 64), (130, 104, 2048),
                      (61, 4, 9), (7, 8, 3)])
    func tilesEqualTheScalarFMAChainBitForBit(_ shape: (Int, Int, Int)) {
        let (rows, outputs, inputs) = shape
        var random = TestRandom(seed: 19)
        let x = random.values(rows * inputs), shortcut = random.values(rows * outputs)
        let weights = random.values(outputs * inputs).map { $0 * 3 }, bias = random.values(outputs)
        let packed = PackedPointwiseWeights(weights: weights, inputChannels: inputs, outputChannels: outputs)
        var want = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var sum = bias[o]
                for i in 0..<inputs { sum = sum.addingProduct(x[r * inputs + i], weights[o * inputs + i]) }
                sum += shortcut[r * outputs + o]
                want[r * outputs + o] = sum < 0 ? 0 : (sum > 6 ? 6 : sum)
            }
        }
        for isa in KernelISA.avx512Available ? [KernelISA.avx2, .avx512] : [.avx2] {
            let got = [Float](unsafeUninitializedCapacity: rows * outputs) { y, count in
                x.withUnsafeBufferPointer { x in
                    shortcut.withUnsafeBufferPointer { s in
                        multiplyPacked(x.baseAddress!, rows: rows, packed, bias: bias, shortcut: s.baseAddress!,
                                       bounds: ActivationBounds(.relu6), into: y.baseAddress!, isa: isa)
                    }
                }
                count = rows * outputs
            }
            let differing = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(shape) \(isa): \(differing) of \(want.count) outputs differ")
        }
        #expect(want.contains { $0 > 0 && $0 < 6 })
    }

    /// The depthwise layer on every instruction set this CPU can run against the scalar chain it claims to
    /// compute, bit for bit by construction on every CPU: bias, one fused multiply-add per tap inside the image in
    /// (row, column) order, then the clamp. Interior pixels run CKernels' 8- and 4-pixel kernels (16 lanes on
    /// AVX-512, 8 on AVX2, so 40 and 24 channels leave an 8-lane remainder there); 13 and 21 channels a scalar
    /// tail; clipped rows and columns, both paddings. 72 channels at 62x62 and 64 at 64x64 are images of at least
    /// `prefetchedImageBytes`, whose interior kernels also prefetch the next pixels (a hint: no bit may change).
    @Test(arguments: [(3, 1, 40, 21), (5, 1, 96, 17), (3, 2, 48, 22), (5, 2, 24, 19), (3, 1, 16, 9), (5, 2, 144, 14),
                      (3, 1, 13, 14), (5, 1, 21, 13), (3, 2, 21, 15), (3, 1, 72, 62), (5, 2, 64, 64)])
    func depthwiseEqualsTheScalarFMAChainBitForBit(_ shape: (Int, Int, Int, Int)) {
        let (kernel, stride, channels, size) = shape
        var random = TestRandom(seed: 10)
        let input = FeatureMap(batch: 2, height: size, width: size, channels: channels,
                               data: random.values(2 * size * size * channels))
        let weights = random.values(channels * kernel * kernel).map { $0 * 2 }, bias = random.values(channels)
        for padding in [Padding.symmetric(kernel: kernel),
                        Padding.tensorFlowSame(inputHeight: size, inputWidth: size, kernel: kernel, stride: stride)] {
            let want = scalarDepthwise(input, weights: weights, bias: bias, kernel: kernel, stride: stride,
                                       padding: padding)
            var layer = DepthwiseConvolution(torchWeights: weights, bias: bias, kernelSize: kernel, stride: stride,
                                             padding: padding, activation: .relu6)
            for isa in KernelISA.avx512Available ? [KernelISA.avx2, .avx512] : [.avx2] {
                layer.isa = isa
                let got = layer(input).data
                let differing = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(got.count == want.count && differing == 0,
                        "\(shape) \(padding) \(isa): \(differing) of \(want.count) outputs differ")
            }
            #expect(want.contains { $0 > 0 && $0 < 6 })
        }
    }

    /// ReLU6(bias + taps), the taps in (row, column) order as fused multiply-adds; torch weights [C, 1, k, k].
    private func scalarDepthwise(_ x: FeatureMap, weights: [Float], bias: [Float], kernel: Int, stride: Int,
                                 padding: Padding) -> [Float] {
        let c = x.channels
        let outputHeight = Padding.outputSize(x.height, kernel: kernel, stride: stride, before: padding.top,
                                              after: padding.bottom)
        let outputWidth = Padding.outputSize(x.width, kernel: kernel, stride: stride, before: padding.left,
                                             after: padding.right)
        var out: [Float] = []
        for n in 0..<x.batch {
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    for channel in 0..<c {
                        var sum = bias[channel]
                        for ky in 0..<kernel {
                            let iy = oy * stride - padding.top + ky
                            guard iy >= 0 && iy < x.height else { continue }
                            for kx in 0..<kernel {
                                let ix = ox * stride - padding.left + kx
                                guard ix >= 0 && ix < x.width else { continue }
                                sum = sum.addingProduct(x.data[((n * x.height + iy) * x.width + ix) * c + channel],
                                                        weights[(channel * kernel + ky) * kernel + kx])
                            }
                        }
                        out.append(sum < 0 ? 0 : (sum > 6 ? 6 : sum))
                    }
                }
            }
        }
        return out
    }

    /// One frame on several cores: a 1x1 layer splits by row tiles on large maps and by 16-channel panels on
    /// small ones (72 channels: panels 16, 16 | 16, 16, 8). Bit-identical by construction on every CPU: each
    /// output is one FMA chain over k in order in our own kernel (no BLAS), whichever tile or share computes it.
    @Test(arguments: [(49, 72, 40), (112, 72, 40), (196, 32, 24), (7, 96, 16), (112, 12, 24), (49, 44, 40)])
    func splittingOneFrameOverCoresChangesNoBitByConstruction(_ shape: (Int, Int, Int)) {
        let (rows, outputs, inputs) = shape
        var random = TestRandom(seed: 8)
        let x = random.values(rows * inputs), shortcut = random.values(rows * outputs)
        let weights = random.values(outputs * inputs).map { $0 * 3 }
        let layer = PointwiseConvolution(weights: weights, bias: random.values(outputs), inputChannels: inputs,
                                         activation: .relu6)
        func run(threads: Int) -> [Float] {
            [Float](unsafeUninitializedCapacity: rows * outputs) { y, count in
                x.withUnsafeBufferPointer { x in
                    shortcut.withUnsafeBufferPointer { s in
                        layer.apply(rows: rows, x.baseAddress!, into: y.baseAddress!, adding: s.baseAddress!,
                                    threads: threads)
                    }
                }
                count = rows * outputs
            }
        }
        let single = run(threads: 1)
        #expect(run(threads: 2) == single)
        #expect(run(threads: 3) == single)
        let want = naiveConvolution(FeatureMap(batch: 1, height: rows, width: 1, channels: inputs, data: x),
                                    torchWeights: weights, bias: layer.bias, kernelHeight: 1, kernelWidth: 1,
                                    stride: 1, padding: .none, groups: 1, activation: .identity)
        let relu6 = Activation.relu6
        #expect(maxAbsoluteDifference(single, zip(want.data, shortcut).map { relu6($0 + $1) }) < 1e-5)
    }

    @Test func tensorFlowSamePutsExtraPaddingBottomRight() {
        // 224 -> 112 with a 3x3 stride-2 window needs one extra row: TF puts it at the bottom only.
        #expect(Padding.tensorFlowSame(inputHeight: 224, inputWidth: 224, kernel: 3, stride: 2)
                == Padding(top: 0, left: 0, bottom: 1, right: 1))
        #expect(Padding.tensorFlowSame(inputHeight: 56, inputWidth: 56, kernel: 5, stride: 2)
                == Padding(top: 1, left: 1, bottom: 2, right: 2))
        #expect(Padding.tensorFlowSame(inputHeight: 14, inputWidth: 14, kernel: 5, stride: 1)
                == Padding(top: 2, left: 2, bottom: 2, right: 2))
        #expect(Padding.tensorFlowSame(inputHeight: 7, inputWidth: 8, kernel: 3, stride: 2)
                == Padding(top: 1, left: 0, bottom: 1, right: 1))
    }
}
