import Testing
import Shared
@testable import Extract

@Suite struct LayerTests {
    @Test func foldedBatchNormEqualsConvolutionThenBatchNorm() {
        var random = TestRandom(seed: 7)
        let (inputs, outputs) = (4, 5)
        let input = FeatureMap(batch: 1, height: 6, width: 6, channels: inputs, data: random.values(6 * 6 * inputs))
        let weights = random.values(outputs * inputs * 9)
        let norm = BatchNorm(gamma: random.values(outputs), beta: random.values(outputs), mean: random.values(outputs),
                             variance: random.values(outputs).map { $0 + 1.5 }, epsilon: 1e-3)
        let folded = norm.fold(intoWeights: weights)
        let layer = Convolution(torchWeights: folded.weights, bias: folded.bias, inputChannels: inputs, kernelHeight: 3,
                                kernelWidth: 3, stride: 1, padding: .symmetric(kernel: 3), activation: .identity)
        let raw = naiveConvolution(input, torchWeights: weights, bias: [Float](repeating: 0, count: outputs),
                                   kernelHeight: 3, kernelWidth: 3, stride: 1, padding: .symmetric(kernel: 3), groups: 1,
                                   activation: .identity)
        let normalised = raw.data.enumerated().map { index, x -> Float in
            let c = index % outputs
            return (x - norm.mean[c]) / (norm.variance[c] + norm.epsilon).squareRoot() * norm.gamma[c] + norm.beta[c]
        }
        #expect(maxAbsoluteDifference(layer(input).data, normalised) < 1e-5)
    }

    @Test func globalAveragePoolAveragesEachChannel() {
        // channel c of image n holds n * 100 + c + pixel index; its mean adds the mean pixel index 5.5.
        var data: [Float] = []
        for n in 0..<2 {
            for p in 0..<12 {
                for c in 0..<3 { data.append(Float(n * 100 + c + p)) }
            }
        }
        let pooled = globalAveragePool(FeatureMap(batch: 2, height: 3, width: 4, channels: 3, data: data))
        #expect(pooled.shape == [2, 3])
        #expect(pooled.data == [5.5, 6.5, 7.5, 105.5, 106.5, 107.5])
    }

    @Test func linearComputesRowsTimesTransposedWeights() {
        let layer = Linear(weights: [1, 2, 3, 4, 5, 6], bias: [0.5, -1], inputFeatures: 3)
        let y = layer(Tensor(shape: [2, 3], data: [1, 0, -1, 2, 1, 0]))
        #expect(y.shape == [2, 2])
        // row 1: [1-3+0.5, 4-6-1], row 2: [2+2+0.5, 8+5-1]
        #expect(y.data == [-1.5, -3, 4.5, 12])
    }

    @Test func residualAddAndNormalization() {
        var a = FeatureMap(batch: 1, height: 1, width: 2, channels: 2, data: [1, 2, 3, 4])
        a.add(FeatureMap(batch: 1, height: 1, width: 2, channels: 2, data: [10, 20, 30, 40]))
        #expect(a.data == [11, 22, 33, 44])
        let image = RGBImage(width: 1, height: 1, pixels: [255, 127, 0])
        let lite = InputNormalization.byteMeanStd(mean: 127, std: 128)([image])
        #expect(lite.data == [1, 0, -127.0 / 128])
        let torch = InputNormalization.unitMeanStd(mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1])([image])
        #expect(maxAbsoluteDifference(torch.data, [2, (127.0 / 255 - 0.5) / 0.5, -0.5]) < 1e-6)
    }
}
