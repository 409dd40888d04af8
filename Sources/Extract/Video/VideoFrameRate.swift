import CFFmpeg
import Foundation

/// A video's average frame rate as its container declares it, to turn frame indices into seconds.
public enum VideoFrameRate {
    /// Frames per second of the video stream (average rate, else the base rate); nil when the container
    /// declares neither or a value outside 0 < fps < 10000.
    public static func read(_ url: URL) throws -> Double? {
        let format = try VideoDecoder.openInput(url.path)
        defer { var context: UnsafeMutablePointer<AVFormatContext>? = format; avformat_close_input(&context) }
        guard let index = VideoDecoder.videoStreamIndex(format) else { throw VideoError.noVideoStream(path: url.path) }
        let stream = format.pointee.streams[index]!.pointee
        var rate = stream.avg_frame_rate
        if rate.num <= 0 || rate.den <= 0 { rate = stream.r_frame_rate }
        guard rate.num > 0, rate.den > 0 else { return nil }
        let fps = av_q2d(rate)
        return fps.isFinite && fps > 0 && fps < 10_000 ? fps : nil
    }
}
