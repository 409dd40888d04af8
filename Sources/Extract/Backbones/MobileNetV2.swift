import Shared

/// MobileNetV2 (Sandler et al. 2018) exactly as torchvision builds it, reading torchvision's weight names.
/// Batch norm (eps 1e-5) is folded into each convolution; padding is symmetric k/2.
public struct MobileNetV2: Backbone {
    public var kind: BackboneKind { .mobilenetV2 }

    /// Table 2 of the paper (t, c, n, s); all depthwise kernels 3x3.
    static let bottleneckTable: [InvertedResidualStage] = [
        InvertedResidualStage(expansion: 1, outputChannels: 16, repeats: 1, stride: 1, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 24, repeats: 2, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 32, repeats: 3, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 64, repeats: 4, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 96, repeats: 3, stride: 1, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 160, repeats: 3, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 320, repeats: 1, stride: 1, kernelSize: 3),
    ]
    static let batchNormEpsilon: Float = 1e-5

    /// conv2d 3x3, stride 2, 3 -> 32, ReLU6 (features.0).
    let conv2d: Convolution
    /// 17 bottleneck blocks (features.1 ... features.17).
    let bottlenecks: [InvertedResidualBlock]
    /// conv2d 1x1, 320 -> 1280, ReLU6 (features.18).
    let conv2d1x1: PointwiseConvolution
    /// Linear 1280 -> 1000 after global average pooling (classifier.1; dropout is training-only).
    let classifier: Linear

    /// weights: torchvision's state dict (mobilenet_v2-b0353104.pth); source names it in errors.
    public init(weights tensors: [String: Tensor], source: String) throws {
        let weights = WeightDictionary(tensors: tensors, source: source)
        let epsilon = Self.batchNormEpsilon
        let stem = try weights.foldedConvolution("features.0.0.weight", batchNorm: "features.0.1",
                                                 shape: [32, 3, 3, 3], epsilon: epsilon)
        conv2d = Convolution(torchWeights: stem.weights, bias: stem.bias, inputChannels: 3, kernelHeight: 3,
                             kernelWidth: 3, stride: 2, padding: .symmetric(kernel: 3), activation: .relu6)

        var blocks: [InvertedResidualBlock] = []
        var channels = 32
        for stage in Self.bottleneckTable {
            for repeatIndex in 0..<stage.repeats {
                // torchvision: features.i.conv = [expand ConvBNReLU]? + [depthwise ConvBNReLU] + conv + bn
                let prefix = "features.\(blocks.count + 1).conv."
                let hidden = channels * stage.expansion
                var layer = 0
                var expansion: PointwiseConvolution?
                if stage.expansion != 1 {
                    expansion = try weights.pointwise(prefix + "0.0.weight", batchNorm: prefix + "0.1", input: channels,
                                                      output: hidden, epsilon: epsilon, activation: .relu6)
                    layer = 1
                }
                let depthwise = try weights.depthwise(prefix + "\(layer).0.weight", batchNorm: prefix + "\(layer).1",
                                                      channels: hidden, kernelSize: stage.kernelSize,
                                                      stride: repeatIndex == 0 ? stage.stride : 1,
                                                      padding: .symmetric(kernel: stage.kernelSize), epsilon: epsilon)
                let projection = try weights.pointwise(prefix + "\(layer + 1).weight", batchNorm: prefix + "\(layer + 2)",
                                                       input: hidden, output: stage.outputChannels, epsilon: epsilon,
                                                       activation: .identity)
                blocks.append(InvertedResidualBlock(expansion: expansion, depthwise: depthwise, projection: projection))
                channels = stage.outputChannels
            }
        }
        bottlenecks = blocks
        conv2d1x1 = try weights.pointwise("features.18.0.weight", batchNorm: "features.18.1", input: channels,
                                          output: 1280, epsilon: epsilon, activation: .relu6)
        classifier = try weights.linear("classifier.1", input: 1280, output: 1000)
        try weights.checkEveryTensorRead()
    }

    /// [N, 224, 224, 3] normalised RGB -> [N, 7, 7, 1280].
    func features(_ images: [RGBImage]) -> FeatureMap {
        var x = conv2d(kind.normalization(images))
        for block in bottlenecks { x = block(x) }
        return conv2d1x1(x)
    }

    public func embed(_ images: [RGBImage]) -> Tensor {
        embedInBatches(images, inputSize: kind.inputSize, dimension: kind.embeddingDimension) { globalAveragePool(features($0)) }
    }

    public func classify(_ images: [RGBImage]) -> Tensor {
        classifier(embed(images))
    }
}
