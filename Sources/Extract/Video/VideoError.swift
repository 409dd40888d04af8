import CFFmpeg
import Shared

/// Why a video or photo could not be decoded; every message names the file, FFmpeg's reason and a fix.
public enum VideoError: DiagnosedError, Equatable {
    case fileMissing(path: String)
    case emptyFile(path: String)
    case notMedia(path: String, reason: String)
    case imageNotVideo(path: String, format: String)
    case noVideoStream(path: String)
    case unsupportedCodec(path: String, codec: String)
    case decoderSetupFailed(path: String, reason: String)
    case noDecodableFrames(path: String, reason: String)
    case inconsistentDecode(path: String, detail: String)
    case conversionFailed(path: String, reason: String)
    case invalidSettings(path: String, detail: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileMissing(let path), .emptyFile(let path), .noVideoStream(let path),
             .notMedia(let path, _), .imageNotVideo(let path, _), .unsupportedCodec(let path, _), .decoderSetupFailed(let path, _),
             .noDecodableFrames(let path, _), .inconsistentDecode(let path, _),
             .conversionFailed(let path, _), .invalidSettings(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .fileMissing(let path):
            return "\(path): file not found; check the path or the dataset root in your configuration"
        case .emptyFile(let path):
            return "\(path): file is empty (0 bytes); re-download or re-extract it, or remove it from the dataset list"
        case .notMedia(let path, let reason):
            return "\(path): FFmpeg cannot open it as media (\(reason)); it is probably not a video/photo or is damaged "
                + "(truncated download?); check it with `ffprobe \"\(path)\"` and re-download or exclude it"
        case .imageNotVideo(let path, let format):
            return "\(path): not a video (image data: FFmpeg reads it as \(format)); a still image has no frames to sample "
                + "over time; remove it from the dataset or give it its real extension"
        case .noVideoStream(let path):
            return "\(path): contains no video stream (\(ffmpegReason(cffmpeg_averror_stream_not_found())); "
                + "audio-only or data file); exclude it from the dataset list"
        case .unsupportedCodec(let path, let codec):
            return "\(path): no decoder for codec '\(codec)' (\(ffmpegReason(cffmpeg_averror_decoder_not_found()))); "
                + "install an FFmpeg with that decoder "
                + "or transcode it, e.g. `ffmpeg -i \"\(path)\" -c:v libx264 out.mp4`"
        case .decoderSetupFailed(let path, let reason):
            return "\(path): FFmpeg could not open the video decoder (\(reason)); check it with `ffprobe \"\(path)\"` "
                + "or transcode it to H.264"
        case .noDecodableFrames(let path, let reason):
            return "\(path): no video frame could be decoded (\(reason)); the file is corrupt or truncated; "
                + "check it with `ffmpeg -v error -i \"\(path)\" -f null -` and re-download or exclude it"
        case .inconsistentDecode(let path, let detail):
            return "\(path): decoding gave different results on two passes (\(detail)); the file is probably damaged; "
                + "check it with `ffmpeg -v error -i \"\(path)\" -f null -` or exclude it"
        case .conversionFailed(let path, let reason):
            return "\(path): converting a frame to RGB failed (\(reason)); transcode the file to a common pixel "
                + "format, e.g. `ffmpeg -i \"\(path)\" -pix_fmt yuv420p out.mp4`"
        case .invalidSettings(let path, let detail):
            return "\(path): invalid sampling settings (\(detail)); use a frame count and output size of at least 1"
        }
    }
}

/// FFmpeg's own text for an AVERROR code (what av_err2str prints), plus the code for searching.
func ffmpegReason(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) < 0 {
        return "FFmpeg error \(code)"
    }
    let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return "\(text), FFmpeg error \(code)"
}
