import Shared

/// A backbone checkpoint does not hold the tensors its architecture needs.
public struct BackboneWeightError: DiagnosedError {
    public let description: String
}

/// A checkpoint's tensors by name, read with shape checks and batch-norm folding. It remembers which names
/// the network read, so `checkEveryTensorRead` can refuse a checkpoint of a larger or different architecture.
final class WeightDictionary {
    let tensors: [String: Tensor]
    /// The file the tensors came from, for error messages.
    let source: String
    private var read: Set<String> = []

    init(tensors: [String: Tensor], source: String) {
        self.tensors = tensors
        self.source = source
    }

    /// Throws unless every tensor was read, apart from batch norm's step counters and names under `ignored`
    /// prefixes (parts the embedding does not use, such as Inception's auxiliary classifier).
    func checkEveryTensorRead(ignoring ignored: [String] = []) throws {
        let unread = tensors.keys.filter { name in
            !read.contains(name) && !name.hasSuffix("num_batches_tracked") && !ignored.contains { name.hasPrefix($0) }
        }.sorted()
        guard unread.isEmpty else {
            let listed = unread.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            throw BackboneWeightError(description: "\(source): \(unread.count) tensors the architecture does not have "
                + "(\(listed)\(unread.count > 3 ? ", ..." : "")); this checkpoint belongs to another architecture")
        }
    }

    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        read.insert(name)
        guard let tensor = tensors[name] else {
            throw BackboneWeightError(description: "\(source): no tensor named '\(name)'; this checkpoint belongs to "
                + "another architecture")
        }
        guard tensor.shape == shape else {
            throw BackboneWeightError(description: "\(source): tensor '\(name)' has shape \(tensor.shape), expected "
                + "\(shape); this checkpoint belongs to another architecture")
        }
        return tensor
    }

    func batchNorm(_ prefix: String, channels: Int, epsilon: Float) throws -> BatchNorm {
        BatchNorm(gamma: try tensor(prefix + ".weight", shape: [channels]).data,
                  beta: try tensor(prefix + ".bias", shape: [channels]).data,
                  mean: try tensor(prefix + ".running_mean", shape: [channels]).data,
                  variance: try tensor(prefix + ".running_var", shape: [channels]).data,
                  epsilon: epsilon)
    }

    /// A bias-free convolution's weights [out, in/groups, k, k] with the following batch norm folded in.
    func foldedConvolution(_ weightName: String, batchNorm prefix: String, shape: [Int],
                           epsilon: Float) throws -> (weights: [Float], bias: [Float]) {
        let weights = try tensor(weightName, shape: shape).data
        return try batchNorm(prefix, channels: shape[0], epsilon: epsilon).fold(intoWeights: weights)
    }

    func pointwise(_ weightName: String, batchNorm prefix: String, input: Int, output: Int, epsilon: Float,
                   activation: Activation) throws -> PointwiseConvolution {
        let folded = try foldedConvolution(weightName, batchNorm: prefix, shape: [output, input, 1, 1], epsilon: epsilon)
        return PointwiseConvolution(weights: folded.weights, bias: folded.bias, inputChannels: input, activation: activation)
    }

    func depthwise(_ weightName: String, batchNorm prefix: String, channels: Int, kernelSize: Int, stride: Int,
                   padding: Padding, epsilon: Float, activation: Activation = .relu6) throws -> DepthwiseConvolution {
        let folded = try foldedConvolution(weightName, batchNorm: prefix, shape: [channels, 1, kernelSize, kernelSize],
                                           epsilon: epsilon)
        return DepthwiseConvolution(torchWeights: folded.weights, bias: folded.bias, kernelSize: kernelSize,
                                    stride: stride, padding: padding, activation: activation)
    }

    /// Squeeze-and-excitation from its two biased 1x1 convolutions (`prefix`fc1 reduces, `prefix`fc2 expands).
    func squeezeExcitation(_ prefix: String, channels: Int, squeeze: Int) throws -> SqueezeExcitation {
        SqueezeExcitation(reduceWeights: try tensor(prefix + "fc1.weight", shape: [squeeze, channels, 1, 1]).data,
                          reduceBias: try tensor(prefix + "fc1.bias", shape: [squeeze]).data,
                          expandWeights: try tensor(prefix + "fc2.weight", shape: [channels, squeeze, 1, 1]).data,
                          expandBias: try tensor(prefix + "fc2.bias", shape: [channels]).data)
    }

    /// A bias-free convolution [out, in, kh, kw] with its batch norm folded in, as a general convolution;
    /// winogradTile: the output tile of a 3x3 stride-1 layer's Winograd product (2 or 4).
    func convolution(_ weightName: String, batchNorm prefix: String, input: Int, output: Int, kernelHeight: Int,
                     kernelWidth: Int, stride: Int, padding: Padding, epsilon: Float, activation: Activation,
                     winogradTile: Int = 2) throws -> Convolution {
        let folded = try foldedConvolution(weightName, batchNorm: prefix,
                                           shape: [output, input, kernelHeight, kernelWidth], epsilon: epsilon)
        return Convolution(torchWeights: folded.weights, bias: folded.bias, inputChannels: input,
                           kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding,
                           activation: activation, winogradTile: winogradTile)
    }

    func linear(_ prefix: String, input: Int, output: Int) throws -> Linear {
        Linear(weights: try tensor(prefix + ".weight", shape: [output, input]).data,
               bias: try tensor(prefix + ".bias", shape: [output]).data, inputFeatures: input)
    }
}

extension WeightDictionary {
    /// A k x k convolution [out, in, k, k] with the following batch norm folded in, padding k/2.
    func convolution(_ weightName: String, batchNorm prefix: String, input: Int, output: Int, kernel: Int,
                     stride: Int, epsilon: Float, activation: Activation, winogradTile: Int = 2) throws -> Convolution {
        let folded = try foldedConvolution(weightName, batchNorm: prefix, shape: [output, input, kernel, kernel],
                                           epsilon: epsilon)
        return Convolution(torchWeights: folded.weights, bias: folded.bias, inputChannels: input, kernelHeight: kernel,
                           kernelWidth: kernel, stride: stride, padding: .symmetric(kernel: kernel),
                           activation: activation, winogradTile: winogradTile)
    }

    /// A batch norm kept as a per-channel affine map (an activation follows it before the next convolution).
    func channelAffine(_ prefix: String, channels: Int, epsilon: Float, activation: Activation) throws -> ChannelAffine {
        ChannelAffine(batchNorm: try batchNorm(prefix, channels: channels, epsilon: epsilon), activation: activation)
    }
}
