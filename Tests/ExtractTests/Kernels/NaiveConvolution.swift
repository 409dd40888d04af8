@testable import Extract

/// Deterministic pseudo-random values in [-1, 1) so failures reproduce.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
    }
    mutating func values(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }

    /// A feature map of such values.
    static func map(batch: Int, height: Int, width: Int, channels: Int, seed: UInt64) -> FeatureMap {
        var random = TestRandom(seed: seed)
        return FeatureMap(batch: batch, height: height, width: width, channels: channels,
                          data: random.values(batch * height * width * channels))
    }
}

/// Textbook convolution straight from the definition, in double: NHWC input, torch [out, in/g, kh, kw] weights.
func naiveConvolution(_ input: FeatureMap, torchWeights: [Float], bias: [Float], kernelHeight: Int, kernelWidth: Int,
                      stride: Int, padding: Padding, groups: Int, activation: Activation) -> FeatureMap {
    let outputs = bias.count
    let groupInputs = input.channels / groups
    let groupOutputs = outputs / groups
    let outputHeight = (input.height + padding.top + padding.bottom - kernelHeight) / stride + 1
    let outputWidth = (input.width + padding.left + padding.right - kernelWidth) / stride + 1
    var data: [Float] = []
    for n in 0..<input.batch {
        for oy in 0..<outputHeight {
            for ox in 0..<outputWidth {
                for o in 0..<outputs {
                    let group = o / groupOutputs
                    var sum = Double(bias[o])
                    for ci in 0..<groupInputs {
                        for ky in 0..<kernelHeight {
                            for kx in 0..<kernelWidth {
                                let iy = oy * stride + ky - padding.top
                                let ix = ox * stride + kx - padding.left
                                guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                                let x = input.data[((n * input.height + iy) * input.width + ix) * input.channels
                                                   + group * groupInputs + ci]
                                let w = torchWeights[((o * groupInputs + ci) * kernelHeight + ky) * kernelWidth + kx]
                                sum += Double(x) * Double(w)
                            }
                        }
                    }
                    data.append(activation(Float(sum)))
                }
            }
        }
    }
    return FeatureMap(batch: input.batch, height: outputHeight, width: outputWidth, channels: outputs, data: data)
}

func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
