/// MTCNN's output network as facenet-pytorch defines ONet: one 48 x 48 crop per candidate, a face probability,
/// a box regression and five landmarks. Input [N, 48, 48, 3] normalised pixels; output [N, 1, 1, 16]:
/// channels 0-1 the softmax (no face, face), 2-5 the box regression, 6-15 the landmarks (five x in box widths,
/// then five y in box heights).
struct ONet: Sendable {
    let conv1: UnpaddedConvolution   // 3 -> 32, 3x3, PReLU          48 -> 46
    let pool1 = MaxPool(kernel: 3, stride: 2)                       // 46 -> 23 (ceil)
    let conv2: UnpaddedConvolution   // 32 -> 64, 3x3, PReLU         23 -> 21
    let pool2 = MaxPool(kernel: 3, stride: 2)                       // 21 -> 10 (ceil)
    let conv3: UnpaddedConvolution   // 64 -> 64, 3x3, PReLU         10 -> 8
    let pool3 = MaxPool(kernel: 2, stride: 2)                       // 8 -> 4
    let conv4: UnpaddedConvolution   // 64 -> 128, 2x2, PReLU        4 -> 3
    let dense5: UnpaddedConvolution  // 1152 -> 256, PReLU (torch flattens the map permuted to [N, W, H, C])
    let heads: UnpaddedConvolution   // dense6_1 (2 logits), dense6_2 (4 regression), dense6_3 (10 landmarks)

    static let inputSize = 48

    init(_ weights: MTCNNWeights) throws {
        conv1 = try weights.convolution("conv1", prelu: "prelu1", input: 3, output: 32, kernel: 3)
        conv2 = try weights.convolution("conv2", prelu: "prelu2", input: 32, output: 64, kernel: 3)
        conv3 = try weights.convolution("conv3", prelu: "prelu3", input: 64, output: 64, kernel: 3)
        conv4 = try weights.convolution("conv4", prelu: "prelu4", input: 64, output: 128, kernel: 2)
        dense5 = try weights.denseAfterPermutedFlatten("dense5", prelu: "prelu5", height: 3, width: 3, channels: 128,
                                                       output: 256)
        heads = try weights.concatenatedHeads(["dense6_1", "dense6_2", "dense6_3"], outputs: [2, 4, 10], input: 256,
                                              dense: true)
    }

    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        var x = conv1(input)
        x = pool1(x)
        x = conv2(x)
        x = pool2(x)
        x = conv3(x)
        x = pool3(x)
        x = conv4(x)
        x = dense5(x.flattened())
        x = heads(x)
        softmaxFirstTwoChannels(&x)
        return x
    }
}
