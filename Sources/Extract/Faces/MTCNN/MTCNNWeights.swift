import Foundation
import Shared

/// The three MTCNN networks' weight files: facenet-pytorch 2.6.0's data/{pnet,rnet,onet}.pt (state dicts of the
/// Caffe MTCNN weights as facenet-pytorch converted them), fetched by `make setup` and pinned here.
public enum MTCNNNetwork: String, CaseIterable, Sendable {
    case pnet, rnet, onet

    /// File name under models/ (scripts/fetch-weights.sh writes it).
    public var weightFileName: String {
        switch self {
        case .pnet: "mtcnn-pnet-a2a71925.pt"
        case .rnet: "mtcnn-rnet-bbb937de.pt"
        case .onet: "mtcnn-onet-165bfbe4.pt"
        }
    }

    /// SHA-256 of the published file (facenet_pytorch/data/<net>.pt in the facenet-pytorch 2.6.0 wheel).
    public var weightSHA256: String {
        switch self {
        case .pnet: "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f"
        case .rnet: "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86"
        case .onet: "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d"
        }
    }

    /// Where `make setup` takes the file from.
    public var origin: CheckpointOrigin {
        .pypiWheel("facenet-pytorch==2.6.0", path: "facenet_pytorch/data/\(rawValue).pt")
    }

    /// Reads and pins the network's checkpoint from `modelsDirectory`, naming the file and `make setup` if absent.
    func checkpoint(in modelsDirectory: URL) throws -> MTCNNWeights {
        let url = modelsDirectory.appendingPathComponent(weightFileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MTCNNWeightError(description: "\(url.path) is missing: run `make setup` to fetch the MTCNN "
                + "weights (facenet-pytorch 2.6.0's \(rawValue).pt)")
        }
        let checkpoint = try Checkpoint.load(contentsOf: url, pin: .sha256([weightSHA256]))
        return MTCNNWeights(tensors: checkpoint.tensors, source: checkpoint.path)
    }
}

/// An MTCNN weight file is missing or does not hold the tensors a network needs.
public struct MTCNNWeightError: DiagnosedError {
    public let description: String
}

/// One network's state dict, read with shape checks.
struct MTCNNWeights {
    let tensors: [String: Tensor]
    let source: String

    func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = tensors[name] else {
            throw MTCNNWeightError(description: "\(source): no tensor named '\(name)'; not facenet-pytorch's MTCNN "
                + "weights - re-run `make setup`")
        }
        guard tensor.shape == shape else {
            throw MTCNNWeightError(description: "\(source): tensor '\(name)' has shape \(tensor.shape), expected "
                + "\(shape) - re-run `make setup`")
        }
        return tensor.data
    }

    /// nn.Conv2d(input, output, kernel) named `conv`, followed by nn.PReLU(output) named `prelu` (or none).
    func convolution(_ conv: String, prelu: String?, input: Int, output: Int, kernel: Int) throws -> UnpaddedConvolution {
        UnpaddedConvolution(torchWeights: try tensor(conv + ".weight", shape: [output, input, kernel, kernel]),
                            bias: try tensor(conv + ".bias", shape: [output]), inputChannels: input,
                            kernelHeight: kernel, kernelWidth: kernel,
                            preluSlopes: try prelu.map { try tensor($0 + ".weight", shape: [output]) })
    }

    /// Several 1x1 convolutions (or dense layers) over the same input as one layer, their outputs side by side:
    /// the heads of each network (class logits, box regression, landmarks) in one pass.
    func concatenatedHeads(_ names: [String], outputs: [Int], input: Int, dense: Bool) throws -> UnpaddedConvolution {
        var weights: [Float] = [], bias: [Float] = []
        for (name, output) in zip(names, outputs) {
            weights += try tensor(name + ".weight", shape: dense ? [output, input] : [output, input, 1, 1])
            bias += try tensor(name + ".bias", shape: [output])
        }
        return UnpaddedConvolution(denseWeights: weights, bias: bias, inputFeatures: input, preluSlopes: nil)
    }

    /// nn.Linear(input, output) + nn.PReLU(output) fed by torch's flatten of a [N, C, H, W] map permuted to
    /// [N, W, H, C]: its columns are reordered to our NHWC flatten ((h * W + w) * C + c).
    func denseAfterPermutedFlatten(_ dense: String, prelu: String, height: Int, width: Int, channels: Int,
                                   output: Int) throws -> UnpaddedConvolution {
        let input = height * width * channels
        let torchWeights = try tensor(dense + ".weight", shape: [output, input])
        var weights = [Float](repeating: 0, count: torchWeights.count)
        for o in 0..<output {
            for h in 0..<height {
                for w in 0..<width {
                    for c in 0..<channels {
                        weights[o * input + (h * width + w) * channels + c]
                            = torchWeights[o * input + (w * height + h) * channels + c]
                    }
                }
            }
        }
        return UnpaddedConvolution(denseWeights: weights, bias: try tensor(dense + ".bias", shape: [output]),
                                   inputFeatures: input, preluSlopes: try tensor(prelu + ".weight", shape: [output]))
    }
}

/// Softmax over the first two channels of every pixel (the face / no-face logits), in place:
/// exp(x - max) scaled by the reciprocal of the sum, as torch's vectorised softmax computes it.
func softmaxFirstTwoChannels(_ map: inout FeatureMap) {
    let (channels, pixels) = (map.channels, map.pixelCount)
    map.data.withUnsafeMutableBufferPointer { x in
        for pixel in 0..<pixels {
            let p = x.baseAddress! + pixel * channels
            let maximum = max(p[0], p[1])
            let e0 = expf(p[0] - maximum), e1 = expf(p[1] - maximum)
            let reciprocal = 1 / (e0 + e1)
            p[0] = e0 * reciprocal
            p[1] = e1 * reciprocal
        }
    }
}
