import Shared

/// A frozen ImageNet CNN used as a feature extractor.
public protocol Backbone: Sendable {
    var kind: BackboneKind { get }
    /// images: each inputSize x inputSize RGBImage. Returns [images.count, embeddingDimension]:
    /// global-average-pooled features before the classifier.
    func embed(_ images: [RGBImage]) -> Tensor
    /// The ImageNet classifier head on top: logits [images.count, 1000].
    func classify(_ images: [RGBImage]) -> Tensor
}
