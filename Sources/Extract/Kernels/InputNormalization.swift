import Foundation
import Shared

/// How 8-bit RGB becomes network input, per channel value = pixel * scale[c] + offset[c], as an NHWC batch.
/// A value, not a sentence: caches record `description`, which is derived from it.
public enum InputNormalization: Sendable, Equatable {
    /// (pixel / 255 - mean) / std with mean and std on the [0, 1] scale (torchvision convention).
    case unitMeanStd(mean: [Float], std: [Float])
    /// (pixel - mean) / std with mean and std on the [0, 255] scale (TensorFlow edge-model convention).
    case byteMeanStd(mean: Float, std: Float)

    /// torchvision's ImageNet statistics.
    public static let imageNet = unitMeanStd(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    public var scale: [Float] {
        switch self {
        case .unitMeanStd(_, let std): (0..<3).map { 1 / (255 * std[$0]) }
        case .byteMeanStd(_, let std): [Float](repeating: 1 / std, count: 3)
        }
    }

    public var offset: [Float] {
        switch self {
        case .unitMeanStd(let mean, let std): (0..<3).map { -mean[$0] / std[$0] }
        case .byteMeanStd(let mean, let std): [Float](repeating: -mean / std, count: 3)
        }
    }

    /// What caches and `extract backbones` print, e.g. "rgb/255, mean [0.485,0.456,0.406], std [0.229,0.224,0.225]".
    public var description: String {
        func list(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }
        switch self {
        case .unitMeanStd(let mean, let std): return "rgb/255, mean \(list(mean)), std \(list(std))"
        case .byteMeanStd(let mean, let std):
            return "(rgb - \(String(format: "%g", mean))) / \(String(format: "%g", std))"
        }
    }

    public func callAsFunction(_ images: [RGBImage]) -> FeatureMap {
        precondition(!images.isEmpty, "no images to normalise")
        let (scale, offset) = (self.scale, self.offset)
        let height = images[0].height
        let width = images[0].width
        var batch = FeatureMap(uninitializedBatch: images.count, height: height, width: width, channels: 3)
        let pixels = height * width
        batch.data.withUnsafeMutableBufferPointer { out in
            for (n, image) in images.enumerated() {
                precondition(image.width == width && image.height == height, "images in a batch must share one size")
                image.pixels.withUnsafeBufferPointer { rgb in
                    let base = out.baseAddress! + n * pixels * 3
                    for i in 0..<pixels {
                        for c in 0..<3 { base[i * 3 + c] = Float(rgb[i * 3 + c]) * scale[c] + offset[c] }
                    }
                }
            }
        }
        return batch
    }
}
