import Shared

/// ResNet-50 (He et al. 2015) as torchvision builds it (the stride of each downsampling block on its 3x3),
/// reading torchvision's weight names. Batch norm (eps 1e-5) is folded into every convolution.
public struct ResNet50: Backbone {
    public var kind: BackboneKind { .resnet50 }

    /// Table 1 of the paper, 50-layer column: bottleneck width, blocks and the first block's stride per stage
    /// (conv2_x ... conv5_x; torchvision's layer1 ... layer4). Each block outputs 4 x width channels.
    /// winogradTile: the 3x3 layers' Winograd output tile, 4x4 where a frame has 16 or more of them; a 7x7 map
    /// has 4, and there 36 transformed 512 x 512 matrices (36 MB) would be read for every 16 tiles.
    static let stageTable: [(width: Int, blocks: Int, stride: Int, winogradTile: Int)] = [
        (width: 64, blocks: 3, stride: 1, winogradTile: 4),   // conv2_x, 56 x 56 -> 256 channels
        (width: 128, blocks: 4, stride: 2, winogradTile: 4),  // conv3_x, 28 x 28 -> 512
        (width: 256, blocks: 6, stride: 2, winogradTile: 4),  // conv4_x, 14 x 14 -> 1024
        (width: 512, blocks: 3, stride: 2, winogradTile: 2),  // conv5_x, 7 x 7 -> 2048
    ]
    static let batchNormEpsilon: Float = 1e-5

    /// conv1: 7x7, stride 2, 3 -> 64, ReLU (conv1 + bn1).
    let conv1: Convolution
    /// 3x3 max pool, stride 2, padding 1: 112 x 112 -> 56 x 56.
    let maxPool = MaxPool(kernel: 3, stride: 2, padding: 1, ceilMode: false)
    /// The 16 bottleneck blocks, stage by stage.
    let blocks: [Bottleneck]
    /// fc: 2048 -> 1000 after global average pooling.
    let fc: Linear

    /// weights: torchvision's state dict (resnet50-0676ba61.pth or resnet50-11ad3fa6.pth); source names it in errors.
    public init(weights tensors: [String: Tensor], source: String) throws {
        let weights = WeightDictionary(tensors: tensors, source: source)
        let epsilon = Self.batchNormEpsilon
        conv1 = try weights.convolution("conv1.weight", batchNorm: "bn1", input: 3, output: 64, kernel: 7, stride: 2,
                                        epsilon: epsilon, activation: .relu)
        var blocks: [Bottleneck] = []
        var channels = 64
        for (stage, row) in Self.stageTable.enumerated() {
            for block in 0..<row.blocks {
                blocks.append(try Bottleneck(weights, prefix: "layer\(stage + 1).\(block).", input: channels,
                                             width: row.width, stride: block == 0 ? row.stride : 1, epsilon: epsilon,
                                             winogradTile: row.winogradTile))
                channels = row.width * 4
            }
        }
        self.blocks = blocks
        fc = try weights.linear("fc", input: channels, output: 1000)
        try weights.checkEveryTensorRead()
    }

    /// Frames a pass of the late layers (see `late`).
    static let framesPerPass = 4
    /// Blocks that run one frame at a time: conv2_x and conv3_x, on 56- and 28-pixel maps.
    static let frameByFrameBlocks = stageTable[0].blocks + stageTable[1].blocks

    /// One frame through the stem, conv2_x and conv3_x -> [1, 28, 28, 512]: on 56- and 28-pixel maps a frame's
    /// megabytes of activations stay in cache.
    func early(_ image: RGBImage) -> FeatureMap {
        var x = maxPool(conv1(kind.normalization([image])))  // [1, 56, 56, 64]
        for block in blocks[..<Self.frameByFrameBlocks] { x = block(x) }
        return x
    }

    /// conv4_x and conv5_x on a pass of stacked frames [n, 28, 28, 512] -> [n, 7, 7, 2048]: their 14- and 7-pixel
    /// maps give each frame 196 and 49 rows per GEMM; batched, a layer's weights (up to 8 MB in conv5_x) are read
    /// once per pass rather than once per frame (5-12% more frames/s than one frame a pass at batch 16,
    /// alternating runs on 2 Sapphire Rapids cores).
    func late(_ x: FeatureMap) -> FeatureMap {
        var x = x
        for block in blocks[Self.frameByFrameBlocks...] { x = block(x) }
        return x
    }

    public func embed(_ images: [RGBImage]) -> Tensor {
        embedInStages(images, inputSize: kind.inputSize, dimension: kind.embeddingDimension,
                      framesPerPass: Self.framesPerPass, early: early) { globalAveragePool(late($0)) }
    }

    public func classify(_ images: [RGBImage]) -> Tensor {
        fc(embed(images))
    }
}
