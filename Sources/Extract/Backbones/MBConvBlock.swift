import Shared

/// EfficientNet's MBConv: the inverted residual (`InvertedResidualBlock`) with SiLU activations and a
/// squeeze-and-excitation gate between the depthwise convolution and the linear projection:
/// 1x1 expansion + SiLU, k x k depthwise + SiLU, SE, 1x1 projection, identity shortcut when shapes allow
/// (stochastic depth is training-only: identity at inference).
struct MBConvBlock: Sendable {
    /// nil when the expansion factor is 1 (the first stage).
    let expansion: PointwiseConvolution?
    let depthwise: DepthwiseConvolution
    let squeezeExcitation: SqueezeExcitation
    let projection: PointwiseConvolution
    let hasShortcut: Bool

    init(expansion: PointwiseConvolution?, depthwise: DepthwiseConvolution, squeezeExcitation: SqueezeExcitation,
         projection: PointwiseConvolution) {
        self.expansion = expansion
        self.depthwise = depthwise
        self.squeezeExcitation = squeezeExcitation
        self.projection = projection
        let inputChannels = expansion?.inputChannels ?? depthwise.channels
        self.hasShortcut = depthwise.stride == 1 && inputChannels == projection.outputChannels
    }

    /// [N, H, W, in] -> [N, H / stride, W / stride, out], layer by layer over the whole batch.
    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let expanded = expansion.map { $0(input) } ?? input
        var gated = depthwise(expanded)
        squeezeExcitation(&gated)
        return projection(gated, adding: hasShortcut ? input : nil)
    }
}
