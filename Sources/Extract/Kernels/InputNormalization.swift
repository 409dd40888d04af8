import Shared

/// Per-channel affine map from 8-bit RGB to network input, value = pixel * scale[c] + offset[c],
/// producing an NHWC batch.
public struct InputNormalization: Sendable, Equatable {
    public let scale: [Float]
    public let offset: [Float]

    /// (pixel / 255 - mean) / std with mean and std on the [0, 1] scale (torchvision convention).
    public static func unitMeanStd(mean: [Float], std: [Float]) -> InputNormalization {
        InputNormalization(scale: (0..<3).map { 1 / (255 * std[$0]) }, offset: (0..<3).map { -mean[$0] / std[$0] })
    }

    /// (pixel - mean) / std with mean and std on the [0, 255] scale (TensorFlow edge-model convention).
    public static func byteMeanStd(mean: Float, std: Float) -> InputNormalization {
        InputNormalization(scale: [Float](repeating: 1 / std, count: 3), offset: [Float](repeating: -mean / std, count: 3))
    }

    public func callAsFunction(_ images: [RGBImage]) -> FeatureMap {
        precondition(!images.isEmpty, "no images to normalise")
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
