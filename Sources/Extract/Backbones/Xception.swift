import Shared

/// Xception (Chollet 2017) as timm's legacy_xception (Cadene's port of the Keras model) builds it, reading its
/// weight names. Batch norm (eps 1e-5, PyTorch's default) is folded into the convolution or pointwise before it.
public struct Xception: Backbone {
    public var kind: BackboneKind { .xception }
    static let batchNormEpsilon: Float = 1e-5

    /// Entry flow stem: conv 3x3/2 unpadded, 3 -> 32, ReLU (conv1, bn1); conv 3x3 unpadded, 32 -> 64, ReLU (conv2, bn2).
    let conv1: Convolution
    let conv2: Convolution
    /// block1 ... block12: entry flow (3 downsampling blocks), middle flow (8 x 728), exit flow's first block.
    let blocks: [XceptionBlock]
    /// Exit flow: separable 1024 -> 1536, ReLU (conv3, bn3); separable 1536 -> 2048, ReLU (conv4, bn4).
    let conv3: SeparableConvolution
    let conv4: SeparableConvolution
    /// Linear 2048 -> 1000 after global average pooling (fc).
    let classifier: Linear

    /// weights: timm's state dict (xception-43020ad28.pth, Cadene's names); source names it in errors.
    public init(weights tensors: [String: Tensor], source: String) throws {
        let weights = WeightDictionary(tensors: tensors, source: source)
        let epsilon = Self.batchNormEpsilon
        conv1 = try weights.convolution("conv1.weight", batchNorm: "bn1", input: 3, output: 32, kernelHeight: 3,
                                        kernelWidth: 3, stride: 2, padding: .none, epsilon: epsilon, activation: .relu)
        conv2 = try weights.convolution("conv2.weight", batchNorm: "bn2", input: 32, output: 64, kernelHeight: 3,
                                        kernelWidth: 3, stride: 1, padding: .none, epsilon: epsilon, activation: .relu,
                                        winogradTile: 4)
        func block(_ index: Int, _ input: Int, _ output: Int, reps: Int, stride: Int, startsWithReLU: Bool = true,
                   growsFirst: Bool = true) throws -> XceptionBlock {
            try XceptionBlock("block\(index)", input: input, output: output, reps: reps, stride: stride,
                              startsWithReLU: startsWithReLU, growsFirst: growsFirst, weights: weights, epsilon: epsilon)
        }
        var blocks = [
            try block(1, 64, 128, reps: 2, stride: 2, startsWithReLU: false),   // 74x74x128
            try block(2, 128, 256, reps: 2, stride: 2),                         // 37x37x256
            try block(3, 256, 728, reps: 2, stride: 2),                         // 19x19x728
        ]
        for index in 4...11 { blocks.append(try block(index, 728, 728, reps: 3, stride: 1)) }   // 19x19x728
        blocks.append(try block(12, 728, 1024, reps: 2, stride: 2, growsFirst: false))       // 10x10x1024
        self.blocks = blocks
        conv3 = try SeparableConvolution("conv3", batchNorm: "bn3", input: 1024, output: 1536, weights: weights,
                                         epsilon: epsilon, activation: .relu)
        conv4 = try SeparableConvolution("conv4", batchNorm: "bn4", input: 1536, output: 2048, weights: weights,
                                         epsilon: epsilon, activation: .relu)
        classifier = try weights.linear("fc", input: 2048, output: 1000)
        try weights.checkEveryTensorRead()
    }

    /// [N, 299, 299, 3] normalised RGB -> [N, 10, 10, 2048] (forward_features).
    func features(_ images: [RGBImage]) -> FeatureMap {
        var x = conv2(conv1(kind.normalization(images)))   // 149x149x32, 147x147x64
        for block in blocks { x = block(x) }
        return conv4(conv3(x))
    }

    public func embed(_ images: [RGBImage]) -> Tensor {
        embedInBatches(images, inputSize: kind.inputSize, dimension: kind.embeddingDimension) { globalAveragePool(features($0)) }
    }

    public func classify(_ images: [RGBImage]) -> Tensor {
        classifier(embed(images))
    }
}
