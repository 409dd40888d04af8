import Shared

/// DenseNet-121 (Huang et al. 2017) as torchvision builds it, reading its weight names in both spellings:
/// the published file's old keys ("denselayer1.norm.1.weight", "conv.2.weight", which torchvision renames
/// on load) and the new ones a newer torch's state_dict() saves ("norm1", "conv2").
public struct DenseNet121: Backbone {
    public var kind: BackboneKind { .denseNet121 }

    /// Table 1 of the paper, DenseNet-121 column: layers per dense block (56, 28, 14, 7 pixels wide).
    static let blockTable = [6, 12, 24, 16]
    /// Each block's 3x3 Winograd output tile: 4x4 on the 56- and 28-pixel maps (layers 1.37x and 1.25x faster on
    /// a Zen 3 core); 2x2 on the 14-pixel ones too, where 4x4 ran 0.77x (16 tiles a frame, and only 32 outputs to
    /// spread each transformed input over).
    static let winogradTiles = [4, 4, 2, 2]
    /// k: channels each layer adds.
    static let growthRate = 32
    /// The 1x1 bottleneck's width: 4k (torchvision's bn_size).
    static let bottleneckWidth = 4 * 32
    static let batchNormEpsilon: Float = 1e-5

    /// conv0: 7x7, stride 2, 3 -> 64, ReLU (norm0 folded, relu0 fused).
    let conv0: Convolution
    /// pool0: 3x3 max pool, stride 2, padding 1: 112 x 112 -> 56 x 56.
    let pool0 = MaxPool(kernel: 3, stride: 2, padding: 1, ceilMode: false)
    /// Dense blocks 1-4 (64 -> 256, 128 -> 512, 256 -> 1024, 512 -> 1024 channels).
    let denseBlocks: [DenseBlock]
    /// Transitions 1-3, after blocks 1-3.
    let transitions: [Transition]
    /// norm5 + the ReLU torchvision applies before pooling.
    let norm5: ChannelAffine
    /// Linear 1024 -> 1000 (classifier).
    let classifier: Linear

    /// weights: torchvision's state dict (densenet121-a639ec97.pth); source names it in errors.
    public init(weights tensors: [String: Tensor], source: String) throws {
        let weights = WeightDictionary(tensors: tensors, source: source)
        let epsilon = Self.batchNormEpsilon
        // The published file's keys, unless the first layer is spelled the new way.
        let oldKeys = tensors["features.denseblock1.denselayer1.norm1.weight"] == nil
        conv0 = try weights.convolution("features.conv0.weight", batchNorm: "features.norm0", input: 3, output: 64,
                                        kernel: 7, stride: 2, epsilon: epsilon, activation: .relu)
        var blocks: [DenseBlock] = [], transitions: [Transition] = []
        var channels = 64
        for (blockIndex, layerCount) in Self.blockTable.enumerated() {
            var layers: [DenseLayer] = []
            for layerIndex in 0..<layerCount {
                let prefix = "features.denseblock\(blockIndex + 1).denselayer\(layerIndex + 1)."
                layers.append(try Self.denseLayer(weights, prefix: prefix, oldKeys: oldKeys, input: channels,
                                                  winogradTile: Self.winogradTiles[blockIndex]))
                channels += Self.growthRate
            }
            blocks.append(DenseBlock(layers: layers, growthRate: Self.growthRate))
            if blockIndex + 1 < Self.blockTable.count {
                let prefix = "features.transition\(blockIndex + 1)."
                let norm = try weights.channelAffine(prefix + "norm", channels: channels, epsilon: epsilon,
                                                     activation: .relu)
                let conv = try weights.tensor(prefix + "conv.weight", shape: [channels / 2, channels, 1, 1])
                transitions.append(Transition(norm: norm, conv: PointwiseConvolution(
                    weights: conv.data, bias: [Float](repeating: 0, count: channels / 2), inputChannels: channels,
                    activation: .identity)))
                channels /= 2
            }
        }
        denseBlocks = blocks
        self.transitions = transitions
        norm5 = try weights.channelAffine("features.norm5", channels: channels, epsilon: epsilon, activation: .relu)
        classifier = try weights.linear("classifier", input: channels, output: 1000)
        try weights.checkEveryTensorRead()
    }

    /// One dense layer of `input` channels under prefix "features.denseblockB.denselayerL.".
    static func denseLayer(_ weights: WeightDictionary, prefix: String, oldKeys: Bool, input: Int,
                           winogradTile: Int) throws -> DenseLayer {
        let (norm1, conv1, norm2, conv2) = oldKeys ? ("norm.1", "conv.1", "norm.2", "conv.2")
                                                   : ("norm1", "conv1", "norm2", "conv2")
        let width = bottleneckWidth
        let conv2Weights = try weights.tensor(prefix + conv2 + ".weight", shape: [growthRate, width, 3, 3])
        return DenseLayer(
            norm1: try weights.channelAffine(prefix + norm1, channels: input, epsilon: batchNormEpsilon, activation: .relu),
            conv1: try weights.pointwise(prefix + conv1 + ".weight", batchNorm: prefix + norm2, input: input,
                                         output: width, epsilon: batchNormEpsilon, activation: .relu),
            conv2: Convolution(torchWeights: conv2Weights.data, bias: [Float](repeating: 0, count: growthRate),
                               inputChannels: width, kernelHeight: 3, kernelWidth: 3, stride: 1,
                               padding: .symmetric(kernel: 3), activation: .identity, winogradTile: winogradTile))
    }

    /// [N, 224, 224, 3] normalised RGB -> [N, 7, 7, 1024], after norm5 and its ReLU.
    func features(_ images: [RGBImage]) -> FeatureMap {
        var x = pool0(conv0(kind.normalization(images)))  // [N, 56, 56, 64]
        for (index, block) in denseBlocks.enumerated() {
            x = block(x)
            if index < transitions.count { x = transitions[index](x) }
        }
        return norm5(x)
    }

    public func embed(_ images: [RGBImage]) -> Tensor {
        embedInBatches(images, inputSize: kind.inputSize, dimension: kind.embeddingDimension) { globalAveragePool(features($0)) }
    }

    public func classify(_ images: [RGBImage]) -> Tensor {
        classifier(embed(images))
    }
}
