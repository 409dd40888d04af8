import Shared

/// One step of an Inception branch: a folded conv + BN + ReLU ("BasicConv2d") or a pooling.
enum InceptionLayer: Sendable {
    /// 1x1, stride 1: one GEMM over the pixels.
    case pointwise(PointwiseConvolution)
    /// Any other kernel (3x3, 5x5, 1x7, 7x1, 1x3, 3x1) or stride.
    case convolution(Convolution)
    case maxPool(MaxPool)
    case averagePool(AveragePool)

    func callAsFunction(_ x: FeatureMap) -> FeatureMap {
        switch self {
        case .pointwise(let layer): layer(x)
        case .convolution(let layer): layer(x)
        case .maxPool(let pool): pool(x)
        case .averagePool(let pool): pool(x)
        }
    }
}

/// A chain of layers, optionally ending in forks whose outputs are concatenated (InceptionE's 1x3 / 3x1 pairs).
struct InceptionBranch: Sendable {
    let layers: [InceptionLayer]
    var forks: [[InceptionLayer]] = []

    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let x = layers.reduce(input) { $1($0) }
        guard !forks.isEmpty else { return x }
        return concatenateChannels(forks.map { fork in fork.reduce(x) { $1($0) } })
    }
}

/// Parallel branches over one input, concatenated along channels in torchvision's branch order.
struct InceptionModule: Sendable {
    let branches: [InceptionBranch]

    func callAsFunction(_ x: FeatureMap) -> FeatureMap {
        concatenateChannels(branches.map { $0(x) })
    }
}

/// Reads torchvision's BasicConv2d (`<name>.conv.weight`, `<name>.bn.*`: conv without bias, BN eps 0.001,
/// ReLU) with the batch norm folded in.
struct BasicConvolutionReader {
    let weights: WeightDictionary
    static let batchNormEpsilon: Float = 0.001

    /// kernel and padding are (height, width) as torch writes them: (1, 7) with padding (0, 3) is a 1x7 row;
    /// winogradTile: a 3x3 stride-1 layer's Winograd output tile, 4 on the stem's large maps.
    func callAsFunction(_ name: String, _ input: Int, _ output: Int, kernel: (Int, Int) = (1, 1), stride: Int = 1,
                        padding: (Int, Int) = (0, 0), winogradTile: Int = 2) throws -> InceptionLayer {
        let epsilon = Self.batchNormEpsilon
        if kernel == (1, 1) && stride == 1 {
            return .pointwise(try weights.pointwise(name + ".conv.weight", batchNorm: name + ".bn", input: input,
                                                    output: output, epsilon: epsilon, activation: .relu))
        }
        let pad = Padding(top: padding.0, left: padding.1, bottom: padding.0, right: padding.1)
        return .convolution(try weights.convolution(name + ".conv.weight", batchNorm: name + ".bn", input: input,
                                                    output: output, kernelHeight: kernel.0, kernelWidth: kernel.1,
                                                    stride: stride, padding: pad, epsilon: epsilon,
                                                    activation: .relu, winogradTile: winogradTile))
    }
}

/// avg_pool2d(3, stride 1, padding 1), padding counted in the divisor: the pool branches of A, C and E.
private let branchAveragePool = InceptionLayer.averagePool(AveragePool(kernel: 3, stride: 1, padding: 1,
                                                                       countIncludePad: true))
/// max_pool2d(3, stride 2), unpadded, floor mode: the grid reductions (B, D) and the stem.
let inceptionMaxPool = InceptionLayer.maxPool(MaxPool(kernel: 3, stride: 2, padding: 0, ceilMode: false))

extension InceptionModule {
    /// Figure 5 (35x35): 1x1 | 1x1, 5x5 | 1x1, 3x3, 3x3 | avg pool, 1x1 -> 64 + 64 + 96 + poolFeatures.
    static func a(_ name: String, input: Int, poolFeatures: Int, _ conv: BasicConvolutionReader) throws -> Self {
        InceptionModule(branches: [
            InceptionBranch(layers: [try conv(name + ".branch1x1", input, 64)]),
            InceptionBranch(layers: [try conv(name + ".branch5x5_1", input, 48),
                                     try conv(name + ".branch5x5_2", 48, 64, kernel: (5, 5), padding: (2, 2))]),
            InceptionBranch(layers: [try conv(name + ".branch3x3dbl_1", input, 64),
                                     try conv(name + ".branch3x3dbl_2", 64, 96, kernel: (3, 3), padding: (1, 1),
                                              winogradTile: 4),
                                     try conv(name + ".branch3x3dbl_3", 96, 96, kernel: (3, 3), padding: (1, 1),
                                              winogradTile: 4)]),
            InceptionBranch(layers: [branchAveragePool, try conv(name + ".branch_pool", input, poolFeatures)]),
        ])
    }

    /// Grid reduction 35 -> 17: 3x3/2 | 1x1, 3x3, 3x3/2 | max pool -> 384 + 96 + input.
    static func b(_ name: String, input: Int, _ conv: BasicConvolutionReader) throws -> Self {
        InceptionModule(branches: [
            InceptionBranch(layers: [try conv(name + ".branch3x3", input, 384, kernel: (3, 3), stride: 2)]),
            InceptionBranch(layers: [try conv(name + ".branch3x3dbl_1", input, 64),
                                     try conv(name + ".branch3x3dbl_2", 64, 96, kernel: (3, 3), padding: (1, 1),
                                              winogradTile: 4),
                                     try conv(name + ".branch3x3dbl_3", 96, 96, kernel: (3, 3), stride: 2)]),
            InceptionBranch(layers: [inceptionMaxPool]),
        ])
    }

    /// Figure 6 (17x17, n = 7 factorised): 1x1 | 1x1, 1x7, 7x1 | 1x1, 7x1, 1x7, 7x1, 1x7 | avg pool, 1x1 -> 4 x 192.
    static func c(_ name: String, input: Int, channels7x7 c7: Int, _ conv: BasicConvolutionReader) throws -> Self {
        let (row, column) = ((kernel: (1, 7), padding: (0, 3)), (kernel: (7, 1), padding: (3, 0)))
        return InceptionModule(branches: [
            InceptionBranch(layers: [try conv(name + ".branch1x1", input, 192)]),
            InceptionBranch(layers: [try conv(name + ".branch7x7_1", input, c7),
                                     try conv(name + ".branch7x7_2", c7, c7, kernel: row.kernel, padding: row.padding),
                                     try conv(name + ".branch7x7_3", c7, 192, kernel: column.kernel,
                                              padding: column.padding)]),
            InceptionBranch(layers: [try conv(name + ".branch7x7dbl_1", input, c7),
                                     try conv(name + ".branch7x7dbl_2", c7, c7, kernel: column.kernel,
                                              padding: column.padding),
                                     try conv(name + ".branch7x7dbl_3", c7, c7, kernel: row.kernel, padding: row.padding),
                                     try conv(name + ".branch7x7dbl_4", c7, c7, kernel: column.kernel,
                                              padding: column.padding),
                                     try conv(name + ".branch7x7dbl_5", c7, 192, kernel: row.kernel,
                                              padding: row.padding)]),
            InceptionBranch(layers: [branchAveragePool, try conv(name + ".branch_pool", input, 192)]),
        ])
    }

    /// Grid reduction 17 -> 8: 1x1, 3x3/2 | 1x1, 1x7, 7x1, 3x3/2 | max pool -> 320 + 192 + input.
    static func d(_ name: String, input: Int, _ conv: BasicConvolutionReader) throws -> Self {
        InceptionModule(branches: [
            InceptionBranch(layers: [try conv(name + ".branch3x3_1", input, 192),
                                     try conv(name + ".branch3x3_2", 192, 320, kernel: (3, 3), stride: 2)]),
            InceptionBranch(layers: [try conv(name + ".branch7x7x3_1", input, 192),
                                     try conv(name + ".branch7x7x3_2", 192, 192, kernel: (1, 7), padding: (0, 3)),
                                     try conv(name + ".branch7x7x3_3", 192, 192, kernel: (7, 1), padding: (3, 0)),
                                     try conv(name + ".branch7x7x3_4", 192, 192, kernel: (3, 3), stride: 2)]),
            InceptionBranch(layers: [inceptionMaxPool]),
        ])
    }

    /// Figure 7 (8x8, expanded filter bank): 1x1 | 1x1, [1x3, 3x1] | 1x1, 3x3, [1x3, 3x1] | avg pool, 1x1
    /// -> 320 + 768 + 768 + 192 = 2048.
    static func e(_ name: String, input: Int, _ conv: BasicConvolutionReader) throws -> Self {
        func pair(_ prefix: String) throws -> [[InceptionLayer]] {
            [[try conv(prefix + "a", 384, 384, kernel: (1, 3), padding: (0, 1))],
             [try conv(prefix + "b", 384, 384, kernel: (3, 1), padding: (1, 0))]]
        }
        return InceptionModule(branches: [
            InceptionBranch(layers: [try conv(name + ".branch1x1", input, 320)]),
            InceptionBranch(layers: [try conv(name + ".branch3x3_1", input, 384)], forks: try pair(name + ".branch3x3_2")),
            InceptionBranch(layers: [try conv(name + ".branch3x3dbl_1", input, 448),
                                     try conv(name + ".branch3x3dbl_2", 448, 384, kernel: (3, 3), padding: (1, 1))],
                            forks: try pair(name + ".branch3x3dbl_3")),
            InceptionBranch(layers: [branchAveragePool, try conv(name + ".branch_pool", input, 192)]),
        ])
    }
}
