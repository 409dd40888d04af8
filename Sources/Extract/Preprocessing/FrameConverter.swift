import CFFmpeg
import Shared

/// Turns decoded frames of any swscale-supported pixel format (8/10-bit YUV, gray, RGB, palettes) into upright
/// RGB24 images of any size, from the whole frame or a rectangle of it.
///
/// Filter: SWS_BILINEAR at every scale. swscale widens the bilinear (tent) kernel to the source footprint
/// when downscaling, so large reductions average all covered pixels instead of aliasing; AREA is not needed,
/// and bilinear keeps us equal to `ffmpeg -vf scale=S:S:flags=bilinear`. A rectangle is cut out by moving the
/// plane pointers (no copy), then scaled: the crop happens at full resolution, never on a downscaled copy.
/// One converter belongs to one thread at a time; it keeps its SwsContext while the geometry repeats.
final class FrameConverter {
    private var context: OpaquePointer?
    private var contextKey: ContextKey?
    private var buffer: UnsafeMutablePointer<UInt8>?
    private var bufferCapacity = 0

    /// What a SwsContext depends on; any change (a resolution switch, another crop size) rebuilds it.
    private struct ContextKey: Equatable {
        let width: Int32, height: Int32, format: Int32, colorspace: UInt32, range: UInt32
        let outputWidth: Int, outputHeight: Int
    }

    init() {}

    deinit {
        sws_freeContext(context)
        buffer?.deallocate()
    }

    /// frame (its `sourceRegion` in stored pixels, or all of it) -> upright RGB [height, width, 3] as displayed.
    func convert(_ frame: DecodedFrame, sourceRegion: PixelRect? = nil, width: Int, height: Int,
                 path: String) throws -> RGBImage {
        guard width >= 1, height >= 1 else {
            throw VideoError.invalidSettings(path: path, detail: "output size \(width)x\(height)")
        }
        // Odd turns swap axes: scale to the transposed size, then turn upright.
        let (scaledWidth, scaledHeight) = frame.rotation.swapsAxes ? (height, width) : (width, height)
        let source = try cropped(frame, to: sourceRegion, path: path)
        defer { if source != frame.frame { var owned: UnsafeMutablePointer<AVFrame>? = source; av_frame_free(&owned) } }
        let stride = (scaledWidth * 3 + 63) & ~63   // rows padded so swscale's SIMD writers stay inside
        try prepareContext(for: source.pointee, width: scaledWidth, height: scaledHeight, path: path)
        let output = reserveBuffer(stride * scaledHeight + 64)
        let rows = cffmpeg_scale_frame(context, source, output, Int32(stride))
        guard rows == Int32(scaledHeight) else {
            throw VideoError.conversionFailed(
                path: path, reason: rows < 0 ? ffmpegReason(rows) : "swscale wrote \(rows) of \(scaledHeight) rows")
        }
        let rowBytes = scaledWidth * 3
        var pixels = [UInt8](repeating: 0, count: rowBytes * scaledHeight)
        pixels.withUnsafeMutableBufferPointer { destination in
            for y in 0..<scaledHeight {
                (destination.baseAddress! + y * rowBytes).update(from: output + y * stride, count: rowBytes)
            }
        }
        return frame.rotation.apply(to: RGBImage(width: scaledWidth, height: scaledHeight, pixels: pixels))
    }

    /// The frame itself, or a clone whose plane pointers start at `region` (the caller frees a clone).
    private func cropped(_ frame: DecodedFrame, to region: PixelRect?,
                         path: String) throws -> UnsafeMutablePointer<AVFrame> {
        guard let region else { return frame.frame }
        let width = frame.sourceWidth, height = frame.sourceHeight
        guard region.width >= 1, region.height >= 1, region.x >= 0, region.y >= 0,
              region.x <= width - region.width, region.y <= height - region.height else {
            throw VideoError.conversionFailed(
                path: path, reason: "crop \(region.width)x\(region.height) at (\(region.x), \(region.y)) lies outside the \(width)x\(height) frame")
        }
        guard let clone = av_frame_clone(frame.frame) else {
            throw VideoError.conversionFailed(path: path, reason: ffmpegReason(-ENOMEM))
        }
        clone.pointee.crop_left = region.x
        clone.pointee.crop_right = width - region.x - region.width
        clone.pointee.crop_top = region.y
        clone.pointee.crop_bottom = height - region.y - region.height
        let status = av_frame_apply_cropping(clone, Int32(AV_FRAME_CROP_UNALIGNED))
        if status < 0 {
            var owned: UnsafeMutablePointer<AVFrame>? = clone
            av_frame_free(&owned)
            throw VideoError.conversionFailed(path: path, reason: "crop failed: \(ffmpegReason(status))")
        }
        return clone
    }

    private func prepareContext(for f: AVFrame, width: Int, height: Int, path: String) throws {
        let key = ContextKey(width: f.width, height: f.height, format: f.format, colorspace: f.colorspace.rawValue,
                             range: f.color_range.rawValue, outputWidth: width, outputHeight: height)
        if key == contextKey { return }
        sws_freeContext(context)
        context = nil
        contextKey = nil
        guard let created = sws_getContext(f.width, f.height, AVPixelFormat(f.format), Int32(width), Int32(height),
                                           AV_PIX_FMT_RGB24, SWS_BILINEAR, nil, nil, nil) else {
            let name = av_get_pix_fmt_name(AVPixelFormat(f.format)).map { String(cString: $0) } ?? "unknown"
            throw VideoError.conversionFailed(
                path: path, reason: "swscale cannot convert pixel format \(name) at \(f.width)x\(f.height)")
        }
        cffmpeg_match_source_colorspace(created, Int32(f.colorspace.rawValue), Int32(f.color_range.rawValue))
        context = created
        contextKey = key
    }

    private func reserveBuffer(_ bytes: Int) -> UnsafeMutablePointer<UInt8> {
        if let buffer, bufferCapacity >= bytes { return buffer }
        buffer?.deallocate()
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes)
        buffer = fresh
        bufferCapacity = bytes
        return fresh
    }
}

extension DecodedFrame {
    /// The chroma grid of this pixel format: crops start on it so chroma stays aligned with luma.
    var chromaGrid: (x: Int, y: Int) {
        var shiftX: Int32 = 0, shiftY: Int32 = 0
        if av_pix_fmt_get_chroma_sub_sample(AVPixelFormat(frame.pointee.format), &shiftX, &shiftY) < 0 {
            return (1, 1)
        }
        return (1 << Int(shiftX), 1 << Int(shiftY))
    }

    /// Central min(w, h) square in stored pixels. Like ffmpeg's crop filter, the side and the left/top offsets
    /// are rounded down to the chroma grid (even for 4:2:0, e.g. 97x61 -> 60x60 at x 18).
    var centralSquare: PixelRect {
        let width = sourceWidth, height = sourceHeight
        let grid = chromaGrid
        let chromaGrid = max(grid.x, grid.y)
        let side = max(min(width, height) & ~(chromaGrid - 1), min(width, height, chromaGrid))
        let left = ((width - side) / 2) & ~(grid.x - 1)
        let top = ((height - side) / 2) & ~(grid.y - 1)
        return PixelRect(x: left, y: top, width: side, height: side)
    }

    /// `rect` moved left/up onto the chroma grid (at most a pixel for 4:2:0), same size.
    func alignedToChromaGrid(_ rect: PixelRect) -> PixelRect {
        let grid = chromaGrid
        return PixelRect(x: rect.x & ~(grid.x - 1), y: rect.y & ~(grid.y - 1), width: rect.width, height: rect.height)
    }
}
