import Shared

/// ResNet's bottleneck block as torchvision builds it ("V1.5": the stride sits on the 3x3, not the first 1x1):
/// 1x1 reduce + ReLU, 3x3 + ReLU, 1x1 expand, plus the shortcut, then ReLU. Batch norm is folded throughout.
struct Bottleneck: Sendable {
    /// 1x1, in -> width, ReLU (conv1 + bn1).
    let reduce: PointwiseConvolution
    /// 3x3, width -> width, stride 1 or 2, ReLU (conv2 + bn2).
    let conv3x3: Convolution
    /// 1x1, width -> 4 width (conv3 + bn3); its ReLU runs after the shortcut is added (fused in the GEMM store).
    let expand: PointwiseConvolution
    /// The first block of a stage: 1x1 projection (downsample.0 + downsample.1) where the shape changes.
    let projection: PointwiseConvolution?
    /// Stride of the block (and of its projection).
    let stride: Int

    /// A stride-2 1x1 convolution reads every other pixel: a 1x1 max pool with stride 2 picks exactly those,
    /// so the projection then runs on the packed 1x1 kernel over a quarter of the pixels.
    static let subsample = MaxPool(kernel: 1, stride: 2, padding: 0, ceilMode: false)

    /// prefix: "layerS.B."; input channels in, bottleneck width, stride of the 3x3 and its Winograd output tile.
    init(_ weights: WeightDictionary, prefix: String, input: Int, width: Int, stride: Int, epsilon: Float,
         winogradTile: Int) throws {
        let output = width * 4
        reduce = try weights.pointwise(prefix + "conv1.weight", batchNorm: prefix + "bn1", input: input, output: width,
                                       epsilon: epsilon, activation: .relu)
        conv3x3 = try weights.convolution(prefix + "conv2.weight", batchNorm: prefix + "bn2", input: width,
                                          output: width, kernel: 3, stride: stride, epsilon: epsilon, activation: .relu,
                                          winogradTile: winogradTile)
        expand = try weights.pointwise(prefix + "conv3.weight", batchNorm: prefix + "bn3", input: width, output: output,
                                       epsilon: epsilon, activation: .relu)
        projection = stride != 1 || input != output
            ? try weights.pointwise(prefix + "downsample.0.weight", batchNorm: prefix + "downsample.1", input: input,
                                    output: output, epsilon: epsilon, activation: .identity)
            : nil
        self.stride = stride
    }

    /// [N, H, W, in] -> [N, H / stride, W / stride, 4 width].
    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        let shortcut = projection.map { $0(stride == 1 ? input : Self.subsample(input)) } ?? input
        return expand(conv3x3(reduce(input)), adding: shortcut)
    }
}
