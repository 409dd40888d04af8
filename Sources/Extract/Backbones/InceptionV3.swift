import Shared

/// Inception v3 (Szegedy et al. 2015) as torchvision's Inception3 builds it in eval mode, reading its weight names.
/// Every conv is BasicConv2d (no bias, BN eps 0.001, ReLU) with the batch norm folded in; the auxiliary
/// classifier only trains, so its tensors are not read.
public struct InceptionV3: Backbone {
    public var kind: BackboneKind { .inceptionV3 }

    /// Table 1's stem, 299x299x3 -> 35x35x192.
    let stem: [InceptionLayer]
    /// Mixed_5b ... Mixed_7c: 3 x A (35x35), B, 4 x C (17x17), D, 2 x E (8x8) -> 8x8x2048.
    let mixed: [InceptionModule]
    /// Linear 2048 -> 1000 after global average pooling (fc; dropout is training-only).
    let classifier: Linear

    /// weights: torchvision's state dict (inception_v3_google-0cc3c7bd.pth); source names it in errors.
    public init(weights tensors: [String: Tensor], source: String) throws {
        let weights = WeightDictionary(tensors: tensors, source: source)
        let conv = BasicConvolutionReader(weights: weights)
        stem = [
            try conv("Conv2d_1a_3x3", 3, 32, kernel: (3, 3), stride: 2),                         // 149x149x32
            try conv("Conv2d_2a_3x3", 32, 32, kernel: (3, 3), winogradTile: 4),                   // 147x147x32
            try conv("Conv2d_2b_3x3", 32, 64, kernel: (3, 3), padding: (1, 1), winogradTile: 4),  // 147x147x64
            inceptionMaxPool,                                                                     // 73x73x64
            try conv("Conv2d_3b_1x1", 64, 80),                                                    // 73x73x80
            try conv("Conv2d_4a_3x3", 80, 192, kernel: (3, 3), winogradTile: 4),                  // 71x71x192
            inceptionMaxPool,                                                                     // 35x35x192
        ]
        mixed = [
            try .a("Mixed_5b", input: 192, poolFeatures: 32, conv),   // 35x35x256
            try .a("Mixed_5c", input: 256, poolFeatures: 64, conv),   // 35x35x288
            try .a("Mixed_5d", input: 288, poolFeatures: 64, conv),   // 35x35x288
            try .b("Mixed_6a", input: 288, conv),                     // 17x17x768
            try .c("Mixed_6b", input: 768, channels7x7: 128, conv),   // 17x17x768
            try .c("Mixed_6c", input: 768, channels7x7: 160, conv),
            try .c("Mixed_6d", input: 768, channels7x7: 160, conv),
            try .c("Mixed_6e", input: 768, channels7x7: 192, conv),
            try .d("Mixed_7a", input: 768, conv),                     // 8x8x1280
            try .e("Mixed_7b", input: 1280, conv),                    // 8x8x2048
            try .e("Mixed_7c", input: 2048, conv),                    // 8x8x2048
        ]
        classifier = try weights.linear("fc", input: 2048, output: 1000)
        try weights.checkEveryTensorRead(ignoring: ["AuxLogits."])
    }

    /// [N, 299, 299, 3] normalised RGB -> [N, 8, 8, 2048].
    func features(_ images: [RGBImage]) -> FeatureMap {
        let x = stem.reduce(kind.normalization(images)) { $1($0) }
        return mixed.reduce(x) { $1($0) }
    }

    public func embed(_ images: [RGBImage]) -> Tensor {
        embedInBatches(images, inputSize: kind.inputSize, dimension: kind.embeddingDimension) { globalAveragePool(features($0)) }
    }

    public func classify(_ images: [RGBImage]) -> Tensor {
        classifier(embed(images))
    }
}
