import Foundation
import Testing
@testable import Extract

@Suite struct SqueezeExcitationTests {
    /// Against the textbook formula in Double: x * sigmoid(W2 silu(W1 mean(x) + b1) + b2), per image.
    @Test func gatesEachImagesChannelsByItsOwnMeans() {
        var random = TestRandom(seed: 21)
        let (channels, squeeze) = (40, 6)
        let (reduceWeights, reduceBias) = (random.values(squeeze * channels), random.values(squeeze))
        let (expandWeights, expandBias) = (random.values(channels * squeeze), random.values(channels))
        let layer = SqueezeExcitation(reduceWeights: reduceWeights, reduceBias: reduceBias,
                                      expandWeights: expandWeights, expandBias: expandBias)
        let input = TestRandom.map(batch: 3, height: 5, width: 7, channels: channels, seed: 8)
        var output = input
        layer(&output)

        let pixels = 5 * 7
        var expected: [Float] = []
        for n in 0..<3 {
            let image = Array(input.data[(n * pixels * channels)..<((n + 1) * pixels * channels)]).map(Double.init)
            let means = (0..<channels).map { c in stride(from: c, to: image.count, by: channels).map { image[$0] }
                .reduce(0, +) / Double(pixels) }
            let squeezed = (0..<squeeze).map { j -> Double in
                let z = (0..<channels).map { Double(reduceWeights[j * channels + $0]) * means[$0] }.reduce(0, +)
                    + Double(reduceBias[j])
                return z / (1 + exp(-z))
            }
            let gates = (0..<channels).map { c -> Double in
                let z = (0..<squeeze).map { Double(expandWeights[c * squeeze + $0]) * squeezed[$0] }.reduce(0, +)
                    + Double(expandBias[c])
                return 1 / (1 + exp(-z))
            }
            expected += image.enumerated().map { Float($0.element * gates[$0.offset % channels]) }
        }
        #expect(maxAbsoluteDifference(output.data, expected) < 1e-5)
    }
}
