/// MTCNN's refinement network as facenet-pytorch defines RNet: one 24 x 24 crop per candidate, a face
/// probability and a box regression. Input [N, 24, 24, 3] normalised pixels; output [N, 1, 1, 6]: channels 0-1
/// the softmax (no face, face), 2-5 the box regression.
struct RNet: Sendable {
    let conv1: UnpaddedConvolution   // 3 -> 28, 3x3, PReLU          24 -> 22
    let pool1 = MaxPool(kernel: 3, stride: 2)                       // 22 -> 11 (ceil)
    let conv2: UnpaddedConvolution   // 28 -> 48, 3x3, PReLU         11 -> 9
    let pool2 = MaxPool(kernel: 3, stride: 2)                       // 9 -> 4
    let conv3: UnpaddedConvolution   // 48 -> 64, 2x2, PReLU         4 -> 3
    let dense4: UnpaddedConvolution  // 576 -> 128, PReLU (torch flattens the map permuted to [N, W, H, C])
    let heads: UnpaddedConvolution   // dense5_1 (128 -> 2 logits), dense5_2 (128 -> 4 regression)

    static let inputSize = 24

    init(_ weights: MTCNNWeights) throws {
        conv1 = try weights.convolution("conv1", prelu: "prelu1", input: 3, output: 28, kernel: 3)
        conv2 = try weights.convolution("conv2", prelu: "prelu2", input: 28, output: 48, kernel: 3)
        conv3 = try weights.convolution("conv3", prelu: "prelu3", input: 48, output: 64, kernel: 2)
        dense4 = try weights.denseAfterPermutedFlatten("dense4", prelu: "prelu4", height: 3, width: 3, channels: 64,
                                                       output: 128)
        heads = try weights.concatenatedHeads(["dense5_1", "dense5_2"], outputs: [2, 4], input: 128, dense: true)
    }

    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        var x = conv1(input)
        x = pool1(x)
        x = conv2(x)
        x = pool2(x)
        x = conv3(x)
        x = dense4(x.flattened())
        x = heads(x)
        softmaxFirstTwoChannels(&x)
        return x
    }
}

extension FeatureMap {
    /// [N, H, W, C] -> [N, 1, 1, H * W * C], the same storage: the input of a dense layer.
    func flattened() -> FeatureMap {
        FeatureMap(batch: batch, height: 1, width: 1, channels: height * width * channels, data: data)
    }
}
