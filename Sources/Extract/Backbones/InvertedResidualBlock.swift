/// Inverted residual with linear bottleneck (MobileNetV2's "bottleneck", EfficientNet's MBConv without SE):
/// 1x1 expansion + ReLU6, k x k depthwise + ReLU6, 1x1 linear projection, identity shortcut when shapes allow.
struct InvertedResidualBlock: Sendable {
    /// nil when the expansion factor is 1 (the first block of both nets).
    let expansion: PointwiseConvolution?
    let depthwise: DepthwiseConvolution
    let projection: PointwiseConvolution
    let hasShortcut: Bool

    init(expansion: PointwiseConvolution?, depthwise: DepthwiseConvolution, projection: PointwiseConvolution) {
        self.expansion = expansion
        self.depthwise = depthwise
        self.projection = projection
        let inputChannels = expansion?.inputChannels ?? depthwise.channels
        self.hasShortcut = depthwise.stride == 1 && inputChannels == projection.outputChannels
    }

    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let expanded = expansion.map { $0(input) } ?? input
        return projection(depthwise(expanded), adding: hasShortcut ? input : nil)
    }
}
