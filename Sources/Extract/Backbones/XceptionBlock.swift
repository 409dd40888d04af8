import Shared

/// Xception's separable convolution: depthwise 3x3 (stride 1, padding 1, no bias, no activation) then a 1x1
/// whose following batch norm is folded into it.
struct SeparableConvolution: Sendable {
    let depthwise: DepthwiseConvolution
    let pointwise: PointwiseConvolution

    /// `<name>.conv1.weight` [in, 1, 3, 3], `<name>.pointwise.weight` [out, in, 1, 1], batch norm `batchNorm`.
    init(_ name: String, batchNorm: String, input: Int, output: Int, weights: WeightDictionary, epsilon: Float,
         activation: Activation) throws {
        let depthwiseWeights = try weights.tensor(name + ".conv1.weight", shape: [input, 1, 3, 3]).data
        depthwise = DepthwiseConvolution(torchWeights: depthwiseWeights, bias: [Float](repeating: 0, count: input),
                                         kernelSize: 3, stride: 1, padding: .symmetric(kernel: 3), activation: .identity)
        pointwise = try weights.pointwise(name + ".pointwise.weight", batchNorm: batchNorm, input: input, output: output,
                                          epsilon: epsilon, activation: activation)
    }

    /// activation(pointwise(depthwise(x)) + shortcut).
    func callAsFunction(_ x: FeatureMap, adding shortcut: FeatureMap? = nil) -> FeatureMap {
        pointwise(depthwise(x), adding: shortcut)
    }
}

/// One Xception block: [ReLU, separable conv, BN] x reps (the first ReLU dropped in block 1), a 3x3 stride-2
/// max pool when the block downsamples, plus a shortcut: identity, or a 1x1 strided conv + BN.
struct XceptionBlock: Sendable {
    let startsWithReLU: Bool
    /// ReLU fused into all but the last: the next rep's leading ReLU.
    let separables: [SeparableConvolution]
    let pool: MaxPool?
    /// 1x1 conv, stride 2, BN folded, where the block changes shape; nil for the identity.
    let skip: Convolution?

    /// timm's Block(input, output, reps, stride, start_with_relu, grow_first) read from `<name>.rep.*` / `.skip*`.
    init(_ name: String, input: Int, output: Int, reps: Int, stride: Int, startsWithReLU: Bool = true,
         growsFirst: Bool = true, weights: WeightDictionary, epsilon: Float) throws {
        self.startsWithReLU = startsWithReLU
        var separables: [SeparableConvolution] = []
        for rep in 0..<reps {
            // grow first: the first rep widens; otherwise the last one does.
            let inputs = growsFirst ? (rep == 0 ? input : output) : input
            let outputs = growsFirst ? output : (rep < reps - 1 ? input : output)
            // rep.{i} is (ReLU, SeparableConv2d, BatchNorm2d) repeated, less the leading ReLU in block 1.
            let index = 3 * rep + (startsWithReLU ? 1 : 0)
            separables.append(try SeparableConvolution(
                "\(name).rep.\(index)", batchNorm: "\(name).rep.\(index + 1)", input: inputs, output: outputs,
                weights: weights, epsilon: epsilon, activation: rep < reps - 1 ? .relu : .identity))
        }
        self.separables = separables
        pool = stride == 1 ? nil : MaxPool(kernel: 3, stride: stride, padding: 1, ceilMode: false)
        if input != output || stride != 1 {
            let folded = try weights.foldedConvolution(name + ".skip.weight", batchNorm: name + ".skipbn",
                                                       shape: [output, input, 1, 1], epsilon: epsilon)
            skip = Convolution(torchWeights: folded.weights, bias: folded.bias, inputChannels: input, kernelHeight: 1,
                               kernelWidth: 1, stride: stride, padding: .none, activation: .identity)
        } else {
            skip = nil
        }
    }

    /// [N, H, W, in] -> [N, H / stride, W / stride, out].
    func callAsFunction(_ input: FeatureMap) -> FeatureMap {
        // timm replaces the leading ReLU with a non-in-place one, so the shortcut reads the block input unrectified.
        var x = startsWithReLU ? input.activated(.relu) : input
        for separable in separables.dropLast() { x = separable(x) }
        let last = separables[separables.count - 1]
        guard let skip else {
            precondition(pool == nil, "a downsampling block needs a strided shortcut")
            return last(x, adding: input)
        }
        var residual = last(x)
        if let pool { residual = pool(residual) }
        var output = skip(input)
        output.add(residual)
        return output
    }
}
