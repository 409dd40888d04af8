import Foundation
import Shared

/// Photos (JPEG/PNG) through the same decoder + scaler path, resized to size x size (whole image, aspect
/// not kept). Throws `VideoError` naming the file when it cannot be read or decoded.
/// EXIF orientation is not applied (FFmpeg 5 does not export it as a display matrix).
public func decodeImage(_ url: URL, size: Int) throws -> RGBImage {
    let path = url.path
    guard size >= 1 else { throw VideoError.invalidSettings(path: path, detail: "output size \(size)") }
    let converter = FrameConverter()
    let preprocessing = FramePreprocessing(crop: .wholeFrame, outputSize: size)
    let decoded = try VideoDecoder.decode(path: path, targets: { _ in [0] }, stopAfterLastTarget: true,
                                          acceptImages: true) {
        try preprocessing.image(from: $0, converter: converter, path: path)
    }
    guard let image = decoded.images[0] else {
        throw VideoError.noDecodableFrames(path: path, reason: decoded.lastErrorReason ?? "no image in the file")
    }
    return image
}
