import Foundation
import Shared

/// Photos (JPEG/PNG) through the same decoder + scaler path, resized to size x size (whole image, aspect
/// not kept). Throws `VideoError` naming the file when it cannot be read or decoded.
/// EXIF orientation is not applied (FFmpeg 5 does not export it as a display matrix).
public func decodeImage(_ url: URL, size: Int) throws -> RGBImage {
    let path = url.path
    guard size >= 1 else { throw VideoError.invalidSettings(path: path, detail: "output size \(size)") }
    let decoded = try VideoDecoder.decode(path: path, outputSize: size, crop: .wholeFrame,
                                          targets: { _ in [0] }, stopAfterLastTarget: true, acceptImages: true)
    guard let image = decoded.images[0] else {
        throw VideoError.noDecodableFrames(path: path, reason: decoded.lastErrorReason ?? "no image in the file")
    }
    return image
}
