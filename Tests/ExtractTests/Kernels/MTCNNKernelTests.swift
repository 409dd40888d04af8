import Testing
import Shared
@testable import Extract

/// The kernels MTCNN added: unpadded convolution with fused PReLU, standalone PReLU, ceil-mode max pooling.
@Suite struct MTCNNKernelTests {
    /// Conv + PReLU against the textbook convolution, over channel counts that exercise full 16-wide panels,
    /// 8-wide and partial last panels, maps under one 6-pixel tile, and a batch.
    @Test(arguments: [(3, 10, 3, 1, 12, 12), (10, 16, 3, 1, 5, 7), (16, 32, 3, 2, 7, 5), (48, 64, 2, 3, 4, 4),
                      (28, 48, 3, 1, 3, 3), (32, 6, 1, 1, 3, 4), (576, 128, 1, 5, 1, 1), (256, 16, 1, 2, 1, 1),
                      (5, 28, 3, 2, 4, 5)])
    func unpaddedConvolutionWithPReLUMatchesNaive(_ shape: (Int, Int, Int, Int, Int, Int)) {
        let (inputs, outputs, kernel, batch, height, width) = shape
        var random = TestRandom(seed: UInt64(inputs * 1000 + outputs))
        let input = TestRandom.map(batch: batch, height: height, width: width, channels: inputs, seed: 11)
        let weights = random.values(outputs * inputs * kernel * kernel)
        let bias = random.values(outputs)
        let slopes = random.values(outputs).map { $0 * 0.5 }
        let layer = UnpaddedConvolution(torchWeights: weights, bias: bias, inputChannels: inputs, kernelHeight: kernel,
                                        kernelWidth: kernel, preluSlopes: slopes)
        var expected = naiveConvolution(input, torchWeights: weights, bias: bias, kernelHeight: kernel,
                                        kernelWidth: kernel, stride: 1, padding: .none, groups: 1, activation: .identity)
        PReLU(slopes: slopes).apply(&expected)
        for threads in [1, 2] {
            let output = layer(input, threads: threads)
            #expect(output.height == height - kernel + 1 && output.width == width - kernel + 1)
            #expect(maxAbsoluteDifference(output.data, expected.data) < 1e-4)
        }
    }

    @Test func preluKeepsPositivesAndScalesTheRestPerChannel() {
        var map = FeatureMap(batch: 1, height: 1, width: 2, channels: 2, data: [3, -2, 0, -4])
        PReLU(slopes: [0.5, 0.25]).apply(&map)
        #expect(map.data == [3, -0.5, 0, -1])
        let v = SIMD8<Float>(1, -1, 2, -2, 0, -8, 4, -4).preluActivated(slopes: SIMD8(repeating: 0.5))
        #expect(v == SIMD8(1, -0.5, 2, -1, 0, -4, 4, -2))
    }

    /// Ceil mode keeps a last partial window: 5 pixels, 2x2 stride 2 -> 3 (the last window holds one pixel);
    /// 22 -> 11 and 9 -> 4 with 3x3 stride 2 (R-Net), and never a window starting past the input.
    @Test func maxPoolCeilModeKeepsPartialWindows() {
        #expect(MaxPool(kernel: 2, stride: 2).outputSize(5) == 3)
        #expect(MaxPool(kernel: 2, stride: 2).outputSize(4) == 2)
        #expect(MaxPool(kernel: 3, stride: 2).outputSize(22) == 11)
        #expect(MaxPool(kernel: 3, stride: 2).outputSize(9) == 4)
        #expect(MaxPool(kernel: 3, stride: 2).outputSize(46) == 23)
        #expect(MaxPool(kernel: 3, stride: 2).outputSize(21) == 10)
        #expect(MaxPool(kernel: 2, stride: 3).outputSize(4) == 2)   // windows at 0 and 3 (partial)
        // 1 x 5 x 5 map of one channel, values row * 5 + column; a 9-channel copy checks the vector path.
        let values = (0..<25).map(Float.init)
        let pooled = MaxPool(kernel: 2, stride: 2)(FeatureMap(batch: 1, height: 5, width: 5, channels: 1, data: values))
        #expect(pooled.data == [6, 8, 9, 16, 18, 19, 21, 23, 24])
        let wide = FeatureMap(batch: 1, height: 5, width: 5, channels: 9,
                              data: values.flatMap { v in (0..<9).map { v - Float($0) } })
        let pooledWide = MaxPool(kernel: 2, stride: 2)(wide)
        #expect(pooledWide.data == pooled.data.flatMap { v in (0..<9).map { v - Float($0) } })
    }
}
