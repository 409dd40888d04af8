import Shared
import Testing
@testable import Extract

/// The band-by-band block against the textbook composition expand -> depthwise -> project (+ shortcut),
/// with bands small enough that every case crosses band edges (halo rows, stride 2, asymmetric TF padding).
@Suite struct InvertedResidualBandTests {
    struct Case: Sendable, CustomStringConvertible {
        let size: Int, inputs: Int, expansion: Int, outputs: Int, kernel: Int, stride: Int, tensorFlowPadding: Bool
        var description: String { "\(size)px \(inputs)x\(expansion)->\(outputs) k\(kernel) s\(stride) tf:\(tensorFlowPadding)" }
    }

    static let cases: [Case] = [
        Case(size: 13, inputs: 8, expansion: 3, outputs: 8, kernel: 3, stride: 1, tensorFlowPadding: false),
        Case(size: 14, inputs: 8, expansion: 3, outputs: 12, kernel: 3, stride: 2, tensorFlowPadding: false),
        Case(size: 13, inputs: 8, expansion: 3, outputs: 12, kernel: 3, stride: 2, tensorFlowPadding: false),
        Case(size: 14, inputs: 6, expansion: 4, outputs: 10, kernel: 5, stride: 2, tensorFlowPadding: true),
        Case(size: 15, inputs: 6, expansion: 4, outputs: 6, kernel: 5, stride: 1, tensorFlowPadding: true),
        Case(size: 12, inputs: 16, expansion: 1, outputs: 8, kernel: 3, stride: 1, tensorFlowPadding: true),
    ]

    /// Shares of rows over parallel workers are compared bit for bit: true by construction on every CPU, since
    /// every 1x1 layer (any channel count) and the depthwise layer run our own kernels, each output one FMA chain
    /// in a fixed order whichever band or share computes it; against the naive composition, a tolerance.
    @Test(arguments: cases)
    func bandsMatchNaiveCompositionAndSharesAreBitIdenticalByConstruction(_ testCase: Case) {
        var random = TestRandom(seed: UInt64(testCase.size * 31 + testCase.kernel))
        let (size, inputs, outputs, kernel, stride) = (testCase.size, testCase.inputs, testCase.outputs,
                                                       testCase.kernel, testCase.stride)
        let hidden = inputs * testCase.expansion
        let padding = testCase.tensorFlowPadding
            ? Padding.tensorFlowSame(inputHeight: size, inputWidth: size, kernel: kernel, stride: stride)
            : Padding.symmetric(kernel: kernel)
        let input = FeatureMap(batch: 2, height: size, width: size, channels: inputs,
                               data: random.values(2 * size * size * inputs))
        let expandWeights = random.values(hidden * inputs), expandBias = random.values(hidden)
        let depthWeights = random.values(hidden * kernel * kernel), depthBias = random.values(hidden)
        let projectWeights = random.values(outputs * hidden), projectBias = random.values(outputs)

        let block = InvertedResidualBlock(
            expansion: testCase.expansion == 1 ? nil
                : PointwiseConvolution(weights: expandWeights, bias: expandBias, inputChannels: inputs,
                                       activation: .relu6),
            depthwise: DepthwiseConvolution(torchWeights: depthWeights, bias: depthBias, kernelSize: kernel,
                                            stride: stride, padding: padding, activation: .relu6),
            projection: PointwiseConvolution(weights: projectWeights, bias: projectBias, inputChannels: hidden,
                                             activation: .identity))

        let expanded = testCase.expansion == 1 ? input
            : naiveConvolution(input, torchWeights: expandWeights, bias: expandBias, kernelHeight: 1, kernelWidth: 1,
                               stride: 1, padding: .none, groups: 1, activation: .relu6)
        let filtered = naiveConvolution(expanded, torchWeights: depthWeights, bias: depthBias, kernelHeight: kernel,
                                        kernelWidth: kernel, stride: stride, padding: padding, groups: hidden,
                                        activation: .relu6)
        var expected = naiveConvolution(filtered, torchWeights: projectWeights, bias: projectBias, kernelHeight: 1,
                                        kernelWidth: 1, stride: 1, padding: .none, groups: 1, activation: .identity)
        if stride == 1 && inputs == outputs { expected.add(input) }

        // One output row per band up to more than the whole map.
        for bandRows in [1, 2, 3, size] {
            let bandBytes = (bandRows * stride + kernel - stride) * size * hidden * MemoryLayout<Float>.size
            let banded = block.fusedBands(input, bandBytes: bandBytes)
            #expect(banded.height == expected.height && banded.width == expected.width
                    && banded.channels == expected.channels)
            #expect(maxAbsoluteDifference(banded.data, expected.data) < 1e-4, "band rows \(bandRows)")
            // Rows shared over parallel workers (one frame at a time): the same rows, bit for bit.
            for workers in [2, 3] {
                let shared = block.fusedBands(input, bandBytes: bandBytes, sharedOver: workers)
                #expect(shared.data == banded.data, "band rows \(bandRows), \(workers) workers")
            }
        }
        #expect(maxAbsoluteDifference(block.wholeMaps(input).data, expected.data) < 1e-4)
    }
}
