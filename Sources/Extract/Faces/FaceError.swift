import Shared

/// Why a video's face crops could not be made; every message names the file and what to do.
public enum FaceError: DiagnosedError, Equatable {
    /// No sampled frame shows a face the detector accepts.
    case noFace(path: String, frames: Int)
    /// A face box that cannot be cropped (not finite, empty, or wholly outside the frame).
    case unusableBox(path: String, detail: String)
    /// A cached face track does not fit the frames sampled now.
    case trackMismatch(path: String, detail: String)

    /// Begins every `noFace` description after the path, so a failure recorded in a cache can be told apart.
    public static let noFaceMarker = "no face found in any of its"

    public var path: String {
        switch self {
        case .noFace(let path, _), .unusableBox(let path, _), .trackMismatch(let path, _): return path
        }
    }

    public var description: String {
        switch self {
        case .noFace(let path, let frames):
            return "\(path): \(Self.noFaceMarker) \(frames) sampled frames; check the video shows a face at least "
                + "20 pixels wide at detection size, or pass --no-face whole-frame to embed whole frames for such videos"
        case .unusableBox(let path, let detail):
            return "\(path): \(detail); the face cache holding it is damaged: delete it so the faces are detected again"
        case .trackMismatch(let path, let detail):
            return "\(path): its cached face track does not fit the frames sampled now (\(detail)); delete the face "
                + "cache (faces_f<FRAMES>.h5) so the faces are detected again"
        }
    }
}
