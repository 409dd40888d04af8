import CFFmpeg
import Shared

/// A rectangle of whole pixels: origin (x, y) top left, width and height.
public struct PixelRect: Sendable, Equatable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        (self.x, self.y, self.width, self.height) = (x, y, width, height)
    }
}

/// One decoded frame at full resolution in the codec's own pixel format, with the turn that makes it upright.
///
/// This is what decoding hands to preprocessing: nothing is converted or scaled yet, so a whole-frame resize,
/// a centre crop and a face crop all start from the same full-resolution pixels. The frame holds references
/// to the decoder's buffers (no copy); they are released when the last holder lets go.
public final class DecodedFrame: @unchecked Sendable {
    /// Owned clone; never modified after init (cropping works on further clones), so sharing is safe.
    let frame: UnsafeMutablePointer<AVFrame>
    let rotation: DisplayRotation

    /// nil when FFmpeg cannot allocate the reference.
    init?(cloning source: UnsafePointer<AVFrame>, rotation: DisplayRotation) {
        guard let clone = av_frame_clone(source) else { return nil }
        frame = clone
        self.rotation = rotation
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&owned)
    }

    /// Size as stored in the stream (before rotation).
    public var sourceWidth: Int { Int(frame.pointee.width) }
    public var sourceHeight: Int { Int(frame.pointee.height) }
    /// Size as displayed (after rotation): the coordinates face boxes are given in.
    public var displayWidth: Int { rotation.swapsAxes ? sourceHeight : sourceWidth }
    public var displayHeight: Int { rotation.swapsAxes ? sourceWidth : sourceHeight }

    /// The stored pixels that a rectangle of the displayed frame shows (inverse of the rotation).
    public func sourceRect(forDisplay rect: PixelRect) -> PixelRect {
        let w = sourceWidth, h = sourceHeight
        switch rotation.clockwiseQuarterTurns {
        case 1: return PixelRect(x: rect.y, y: h - rect.x - rect.width, width: rect.height, height: rect.width)
        case 2: return PixelRect(x: w - rect.x - rect.width, y: h - rect.y - rect.height, width: rect.width, height: rect.height)
        case 3: return PixelRect(x: w - rect.y - rect.height, y: rect.x, width: rect.height, height: rect.width)
        default: return rect
        }
    }
}
