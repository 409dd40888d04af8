import Foundation
import Shared

/// EfficientNet-B0 and its compound-scaled siblings (Tan & Le 2019) exactly as torchvision 0.14 builds them,
/// reading torchvision's weight names. Unlike Lite0: SiLU everywhere, squeeze-and-excitation in every block,
/// stem and head scaled with the width, PyTorch padding (k - 1) / 2 on every side, batch-norm epsilon 1e-5.
public struct EfficientNet: Backbone {
    /// Compound scaling (Section 3.3): channels times `width`, layers per stage times `depth`.
    /// The resolution is the registry's input size.
    public struct Variant: Sendable {
        let kind: BackboneKind
        let width: Double
        let depth: Double

        public static let b0 = Variant(kind: .efficientNetB0, width: 1.0, depth: 1.0)
        public static let b3 = Variant(kind: .efficientNetB3, width: 1.2, depth: 1.4)

        /// Channels scaled and rounded to a multiple of 8, never more than 10% below the exact product.
        func channels(_ base: Int) -> Int {
            let exact = Double(base) * width
            let rounded = max(8, Int(exact + 4) / 8 * 8)
            return Double(rounded) < 0.9 * exact ? rounded + 8 : rounded
        }

        /// Layers scaled and rounded up.
        func repeats(_ base: Int) -> Int { Int((Double(base) * depth).rounded(.up)) }
    }

    /// Table 1 of the paper for B0, stages 2-8 (MBConv expansion, channels, layers, stride, kernel).
    static let mbConvTable: [InvertedResidualStage] = [
        InvertedResidualStage(expansion: 1, outputChannels: 16, repeats: 1, stride: 1, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 24, repeats: 2, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 40, repeats: 2, stride: 2, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 80, repeats: 3, stride: 2, kernelSize: 3),
        InvertedResidualStage(expansion: 6, outputChannels: 112, repeats: 3, stride: 1, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 192, repeats: 4, stride: 2, kernelSize: 5),
        InvertedResidualStage(expansion: 6, outputChannels: 320, repeats: 1, stride: 1, kernelSize: 3),
    ]
    /// Stage 1's and stage 9's channels for B0.
    static let (stemChannels, headChannels) = (32, 1280)
    static let batchNormEpsilon: Float = 1e-5

    public let kind: BackboneKind
    /// Stage 1: conv3x3, stride 2, 3 -> stem, SiLU (features.0).
    let conv3x3: Convolution
    /// Stages 2-8: MBConv blocks (features.1 ... features.7, each a list of blocks).
    let mbConvBlocks: [MBConvBlock]
    /// Stage 9: conv1x1 -> head channels, SiLU (features.8), then pooling and the FC layer (classifier.1;
    /// dropout is training-only).
    let conv1x1: PointwiseConvolution
    let classifier: Linear

    /// weights: torchvision's state dict (efficientnet_b0_rwightman-3dd342df.pth, ...); source names it in errors.
    public init(_ variant: Variant, weights tensors: [String: Tensor], source: String) throws {
        let weights = WeightDictionary(tensors: tensors, source: source)
        let epsilon = Self.batchNormEpsilon
        kind = variant.kind
        let stem = variant.channels(Self.stemChannels)
        let folded = try weights.foldedConvolution("features.0.0.weight", batchNorm: "features.0.1",
                                                   shape: [stem, 3, 3, 3], epsilon: epsilon)
        conv3x3 = Convolution(torchWeights: folded.weights, bias: folded.bias, inputChannels: 3, kernelHeight: 3,
                              kernelWidth: 3, stride: 2, padding: .symmetric(kernel: 3), activation: .silu)
        var blocks: [MBConvBlock] = []
        var channels = stem
        for (index, stage) in Self.mbConvTable.enumerated() {
            let output = variant.channels(stage.outputChannels)
            for repeatIndex in 0..<variant.repeats(stage.repeats) {
                blocks.append(try Self.mbConv(weights, prefix: "features.\(index + 1).\(repeatIndex).block.",
                                              stage: stage, input: channels, output: output,
                                              stride: repeatIndex == 0 ? stage.stride : 1))
                channels = output
            }
        }
        mbConvBlocks = blocks
        let head = variant.channels(Self.headChannels)
        precondition(head == variant.kind.embeddingDimension, "the registry's embedding length is the head's width")
        conv1x1 = try weights.pointwise("features.8.0.weight", batchNorm: "features.8.1", input: channels,
                                        output: head, epsilon: epsilon, activation: .silu)
        classifier = try weights.linear("classifier.1", input: head, output: 1000)
        try weights.checkEveryTensorRead()
    }

    /// One MBConv block: block.0 is the expansion when there is one, then depthwise, SE (fc1, fc2), projection.
    static func mbConv(_ weights: WeightDictionary, prefix: String, stage: InvertedResidualStage, input: Int,
                       output: Int, stride: Int) throws -> MBConvBlock {
        let epsilon = batchNormEpsilon
        let hidden = input * stage.expansion
        var layer = 0
        var expansion: PointwiseConvolution?
        if stage.expansion != 1 {
            expansion = try weights.pointwise(prefix + "0.0.weight", batchNorm: prefix + "0.1", input: input,
                                              output: hidden, epsilon: epsilon, activation: .silu)
            layer = 1
        }
        let depthwise = try weights.depthwise(prefix + "\(layer).0.weight", batchNorm: prefix + "\(layer).1",
                                              channels: hidden, kernelSize: stage.kernelSize, stride: stride,
                                              padding: .symmetric(kernel: stage.kernelSize), epsilon: epsilon,
                                              activation: .silu)
        // The squeeze width is a quarter of the block's input channels, not of the expanded ones.
        let squeezeExcitation = try weights.squeezeExcitation(prefix + "\(layer + 1).", channels: hidden,
                                                              squeeze: max(1, input / 4))
        let projection = try weights.pointwise(prefix + "\(layer + 2).0.weight", batchNorm: prefix + "\(layer + 2).1",
                                               input: hidden, output: output, epsilon: epsilon, activation: .identity)
        return MBConvBlock(expansion: expansion, depthwise: depthwise, squeezeExcitation: squeezeExcitation,
                           projection: projection)
    }

    /// [N, S, S, 3] normalised RGB (S the variant's resolution) -> [N, S / 32, S / 32, head].
    func features(_ images: [RGBImage]) -> FeatureMap {
        var x = conv3x3(kind.normalization(images))
        for block in mbConvBlocks { x = block(x) }
        return conv1x1(x)
    }

    public func embed(_ images: [RGBImage]) -> Tensor {
        embedInBatches(images, inputSize: kind.inputSize, dimension: kind.embeddingDimension) { globalAveragePool(features($0)) }
    }

    public func classify(_ images: [RGBImage]) -> Tensor {
        classifier(embed(images))
    }
}
