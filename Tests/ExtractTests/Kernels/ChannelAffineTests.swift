import Testing
import Shared
@testable import Extract

@Suite struct ChannelAffineTests {
    /// Batch norm then ReLU from the definition, in double, over the first `channels` of each pixel.
    static func naiveBatchNormReLU(_ input: FeatureMap, _ norm: BatchNorm) -> [Float] {
        let channels = norm.gamma.count
        var output: [Float] = []
        for p in 0..<input.pixelCount {
            for c in 0..<channels {
                let x = Double(input.data[p * input.channels + c])
                let y = (x - Double(norm.mean[c])) / (Double(norm.variance[c]) + Double(norm.epsilon)).squareRoot()
                    * Double(norm.gamma[c]) + Double(norm.beta[c])
                output.append(Float(max(y, 0)))
            }
        }
        return output
    }

    /// 19 channels: two 8-lane vectors and a 3-channel scalar tail; read as the prefix of 27-channel pixels.
    @Test(arguments: [19, 27])
    func batchNormReLUOverAChannelPrefix(_ channels: Int) {
        var random = TestRandom(seed: 11)
        let input = TestRandom.map(batch: 2, height: 3, width: 5, channels: 27, seed: 12)
        let norm = BatchNorm(gamma: random.values(channels), beta: random.values(channels),
                             mean: random.values(channels), variance: random.values(channels).map { $0 + 1.5 },
                             epsilon: 1e-5)
        let output = ChannelAffine(batchNorm: norm, activation: .relu)(input)
        #expect([output.batch, output.height, output.width, output.channels] == [2, 3, 5, channels])
        #expect(maxAbsoluteDifference(output.data, Self.naiveBatchNormReLU(input, norm)) < 1e-5)
        #expect(output.data.contains(0) && output.data.contains { $0 > 0 })
    }
}
