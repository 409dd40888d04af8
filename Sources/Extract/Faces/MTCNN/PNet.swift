/// MTCNN's proposal network as facenet-pytorch defines PNet: fully convolutional, each output cell looks at a
/// 12 x 12 window (stride 2) and gives a face probability and a box regression. Input: [N, H, W, 3] normalised
/// pixels ((x - 127.5) / 128); output [N, (H - 2) / 2 rounded up - 4, ..., 6]: channels 0-1 the softmax
/// (no face, face), 2-5 the box regression (dx1, dy1, dx2, dy2, in window widths).
struct PNet: Sendable {
    let conv1: UnpaddedConvolution   // 3 -> 10, 3x3, PReLU
    let pool1 = MaxPool(kernel: 2, stride: 2)
    let conv2: UnpaddedConvolution   // 10 -> 16, 3x3, PReLU
    let conv3: UnpaddedConvolution   // 16 -> 32, 3x3, PReLU
    let heads: UnpaddedConvolution   // conv4_1 (32 -> 2 logits) and conv4_2 (32 -> 4 regression), 1x1

    init(_ weights: MTCNNWeights) throws {
        conv1 = try weights.convolution("conv1", prelu: "prelu1", input: 3, output: 10, kernel: 3)
        conv2 = try weights.convolution("conv2", prelu: "prelu2", input: 10, output: 16, kernel: 3)
        conv3 = try weights.convolution("conv3", prelu: "prelu3", input: 16, output: 32, kernel: 3)
        heads = try weights.concatenatedHeads(["conv4_1", "conv4_2"], outputs: [2, 4], input: 32, dense: false)
    }

    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        var x = conv1(input)
        x = pool1(x)
        x = conv2(x)
        x = conv3(x)
        x = heads(x)
        softmaxFirstTwoChannels(&x)
        return x
    }

    /// Output cells along a side of `size` input pixels: conv 3x3, pool 2x2 (ceil), conv 3x3, conv 3x3.
    static func outputSize(_ size: Int) -> Int {
        (size - 2 + 1) / 2 - 4
    }
}
