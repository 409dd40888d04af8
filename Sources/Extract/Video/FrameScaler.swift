import CFFmpeg
import Shared

/// Which part of a frame becomes the square network input.
public enum CropPolicy: String, Sendable, CaseIterable {
    /// The whole frame squeezed to a square (aspect not kept, as the original Keras notebook did).
    case wholeFrame = "whole-frame"
    /// The central min(w, h) square, then resized.
    case centerCrop = "center-crop"
}

/// Converts decoded frames of any swscale-supported pixel format (8/10-bit YUV, gray, RGB, palettes)
/// to RGB24 at size x size.
///
/// Filter: SWS_BILINEAR at every scale. swscale widens the bilinear (tent) kernel to the source footprint
/// when downscaling, so large reductions average all covered pixels instead of aliasing; AREA is not needed,
/// and bilinear keeps us equal to `ffmpeg -vf scale=S:S:flags=bilinear`.
/// One scaler belongs to one decode pass (not shared across threads); it owns its SwsContext.
final class FrameScaler {
    private let outputSize: Int
    private let crop: CropPolicy
    private var context: OpaquePointer?
    private var contextKey: SourceKey?
    private let stride: Int
    private var buffer: UnsafeMutablePointer<UInt8>

    /// What a SwsContext depends on; a change mid-stream (resolution switch) rebuilds it.
    private struct SourceKey: Equatable {
        let width: Int32, height: Int32, format: Int32, colorspace: UInt32, range: UInt32
    }

    init(outputSize: Int, crop: CropPolicy) {
        self.outputSize = outputSize
        self.crop = crop
        // Rows padded to 64 bytes so swscale's SIMD writers stay inside the buffer.
        stride = (outputSize * 3 + 63) & ~63
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: stride * outputSize + 64)
    }

    deinit {
        sws_freeContext(context)
        buffer.deallocate()
    }

    /// frame: decoded, [h, w] in its own pixel format -> RGB [outputSize, outputSize, 3]; crops the frame in place.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, path: String) throws -> RGBImage {
        if crop == .centerCrop { try cropToCentralSquare(frame, path: path) }
        let f = frame.pointee
        let key = SourceKey(width: f.width, height: f.height, format: f.format,
                            colorspace: f.colorspace.rawValue, range: f.color_range.rawValue)
        if key != contextKey {
            sws_freeContext(context)
            context = nil
            contextKey = nil
            guard let created = sws_getContext(f.width, f.height, AVPixelFormat(f.format),
                                               Int32(outputSize), Int32(outputSize), AV_PIX_FMT_RGB24,
                                               SWS_BILINEAR, nil, nil, nil) else {
                let name = av_get_pix_fmt_name(AVPixelFormat(f.format)).map { String(cString: $0) } ?? "unknown"
                throw VideoError.conversionFailed(
                    path: path, reason: "swscale cannot convert pixel format \(name) at \(f.width)x\(f.height)")
            }
            cffmpeg_match_source_colorspace(created, Int32(f.colorspace.rawValue), Int32(f.color_range.rawValue))
            context = created
            contextKey = key
        }
        let rows = cffmpeg_scale_frame(context, frame, buffer, Int32(stride))
        guard rows == Int32(outputSize) else {
            throw VideoError.conversionFailed(
                path: path, reason: rows < 0 ? ffmpegReason(rows) : "swscale wrote \(rows) of \(outputSize) rows")
        }
        let rowBytes = outputSize * 3
        var pixels = [UInt8](repeating: 0, count: rowBytes * outputSize)
        pixels.withUnsafeMutableBufferPointer { destination in
            for y in 0..<outputSize {
                (destination.baseAddress! + y * rowBytes).update(from: buffer + y * stride, count: rowBytes)
            }
        }
        return RGBImage(width: outputSize, height: outputSize, pixels: pixels)
    }

    /// Central min(w, h) square. Like ffmpeg's crop filter, the side and the left/top offsets are rounded
    /// down to the chroma grid (even for 4:2:0, e.g. 97x61 -> 60x60 at x 18), so chroma stays aligned with luma.
    private func cropToCentralSquare(_ frame: UnsafeMutablePointer<AVFrame>, path: String) throws {
        let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
        var chromaShiftX: Int32 = 0, chromaShiftY: Int32 = 0
        if av_pix_fmt_get_chroma_sub_sample(AVPixelFormat(frame.pointee.format), &chromaShiftX, &chromaShiftY) < 0 {
            chromaShiftX = 0
            chromaShiftY = 0
        }
        let chromaGrid = 1 << Int(max(chromaShiftX, chromaShiftY))
        let side = max(min(width, height) & ~(chromaGrid - 1), min(width, height, chromaGrid))
        let left = ((width - side) / 2) & ~((1 << Int(chromaShiftX)) - 1)
        let top = ((height - side) / 2) & ~((1 << Int(chromaShiftY)) - 1)
        frame.pointee.crop_left = left
        frame.pointee.crop_right = width - side - left
        frame.pointee.crop_top = top
        frame.pointee.crop_bottom = height - side - top
        let status = av_frame_apply_cropping(frame, Int32(AV_FRAME_CROP_UNALIGNED))
        if status < 0 {
            throw VideoError.conversionFailed(path: path, reason: "center crop failed: \(ffmpegReason(status))")
        }
    }
}
