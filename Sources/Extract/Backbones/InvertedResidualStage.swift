/// One row of an inverted-residual architecture table (MobileNetV2 Table 2, EfficientNet Table 1):
/// `repeats` blocks expanding by `expansion`, the first one strided, all ending in `outputChannels`.
struct InvertedResidualStage: Sendable {
    let expansion: Int
    let outputChannels: Int
    let repeats: Int
    let stride: Int
    let kernelSize: Int
}
