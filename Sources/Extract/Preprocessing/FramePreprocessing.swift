import Shared

/// Which part of a frame becomes the square network input.
public enum CropPolicy: String, Sendable, CaseIterable, Codable {
    /// The whole frame squeezed to a square (aspect not kept, as the original Keras notebook did).
    case wholeFrame = "whole-frame"
    /// The central min(w, h) square, then resized.
    case centerCrop = "center-crop"
    /// A square around the video's tracked face (see `FaceCropGeometry`), then resized.
    case face
}

/// How a decoded frame becomes the CNN's input: a value recorded in caches and model files, so `train` and
/// `predict` see exactly what `extract` did.
public struct FramePreprocessing: Sendable, Equatable {
    public var crop: CropPolicy
    /// Square side of the network input in pixels.
    public var outputSize: Int
    /// Face crops only: the square's side over the face box's longer side (FaceForensics++ uses 1.3).
    public var faceScale: Float

    public static let defaultFaceScale: Float = 1.3
    /// Face scales accepted from the command line and from files: below 1 cuts the face, beyond 4 is mostly background.
    public static let faceScaleRange: ClosedRange<Float> = 1...4

    public init(crop: CropPolicy, outputSize: Int, faceScale: Float = FramePreprocessing.defaultFaceScale) {
        self.crop = crop
        self.outputSize = outputSize
        self.faceScale = faceScale
    }

    /// The network input for one frame. `face` is the frame's face box in display pixels (face crops only).
    func image(from frame: DecodedFrame, face: FaceBox? = nil, converter: FrameConverter,
               path: String) throws -> RGBImage {
        let region: PixelRect?
        switch crop {
        case .wholeFrame:
            region = nil
        case .centerCrop:
            region = frame.centralSquare
        case .face:
            guard let face else {
                throw VideoError.invalidSettings(path: path, detail: "a face crop needs the frame's face box")
            }
            let square = try FaceCropGeometry.square(around: face, scale: faceScale, frameWidth: frame.displayWidth,
                                                     frameHeight: frame.displayHeight, path: path)
            region = frame.alignedToChromaGrid(frame.sourceRect(forDisplay: square))
        }
        return try converter.convert(frame, sourceRegion: region, width: outputSize, height: outputSize, path: path)
    }
}

/// The square a face crop takes, after FaceForensics++'s `get_boundingbox`: side = int(scale x max(w, h)),
/// centred on the box. Where FaceForensics++ shrinks the square at the right and bottom edges, this one moves
/// it back inside the frame (it stays square, so the face is not stretched), and a side larger than the
/// frame's shorter side is cut to it.
public enum FaceCropGeometry {
    /// In display pixels. Throws when the box is degenerate (not finite, empty) or lies wholly outside the frame.
    public static func square(around box: FaceBox, scale: Float, frameWidth: Int, frameHeight: Int,
                              path: String) throws -> PixelRect {
        guard box.isUsable, scale.isFinite, scale > 0, frameWidth >= 1, frameHeight >= 1 else {
            throw FaceError.unusableBox(path: path, detail: "face box (\(box.x1), \(box.y1), \(box.x2), \(box.y2)) is degenerate")
        }
        guard box.x2 > 0, box.y2 > 0, box.x1 < Float(frameWidth), box.y1 < Float(frameHeight) else {
            throw FaceError.unusableBox(
                path: path, detail: "face box (\(box.x1), \(box.y1), \(box.x2), \(box.y2)) lies outside the \(frameWidth)x\(frameHeight) frame")
        }
        let wanted = (scale * max(box.width, box.height)).rounded(.towardZero)
        let side = max(1, min(Int(min(wanted, Float(Int32.max))), frameWidth, frameHeight))
        let centreX = Int(box.centreX.rounded(.down)), centreY = Int(box.centreY.rounded(.down))
        let x = min(max(centreX - side / 2, 0), frameWidth - side)
        let y = min(max(centreY - side / 2, 0), frameHeight - side)
        return PixelRect(x: x, y: y, width: side, height: side)
    }
}

/// Face crops: what becomes of a video in which no sampled frame shows a face.
public enum NoFacePolicy: String, Sendable, CaseIterable {
    /// Listed under /failures with that reason, not embedded.
    case fail
    /// Embedded from whole frames instead (recorded per video in the face cache as not found).
    case wholeFrame = "whole-frame"
}
