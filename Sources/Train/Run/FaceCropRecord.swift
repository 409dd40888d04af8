import Extract
import Shared

/// How a face-crop cache was made, as a model file keeps it so `predict` crops new videos the same way.
public struct FaceCropRecord: Sendable, Equatable {
    public var scale: Float
    public var detectMaxSide: Int
    public var noFace: NoFacePolicy
    /// SHA-256 of the face-track settings (detector, weights, detection size, tracking).
    public var tracksSHA256: String

    /// nil unless the cache holds face crops with every face attribute.
    public init?(_ metadata: CacheMetadata) {
        guard metadata.cropPolicy == CropPolicy.face.rawValue, let scale = metadata.faceScale,
              let side = metadata.detectMaxSide, let noFace = metadata.noFace.flatMap(NoFacePolicy.init(rawValue:)),
              let tracks = metadata.faceTracksSHA256 else { return nil }
        (self.scale, detectMaxSide, self.noFace, tracksSHA256) = (scale, side, noFace, tracks)
    }

    func write(to file: HDF5File) throws {
        try file.setAttribute("face_scale", Double(scale))
        try file.setAttribute("face_detect_max_side", Int64(detectMaxSide))
        try file.setAttribute("no_face", noFace.rawValue)
        try file.setAttribute("face_tracks_sha256", tracksSHA256)
    }

    /// nil when the file has no face attributes; an error naming the attribute when one is out of range.
    static func read(from file: HDF5File, path: String) throws -> FaceCropRecord? {
        guard try file.hasAttribute("face_scale") else { return nil }
        let scale = Float(try file.attribute("face_scale", as: Double.self))
        let side = try file.attribute("face_detect_max_side", as: Int64.self)
        let noFace = try file.stringAttribute("no_face")
        guard FramePreprocessing.faceScaleRange.contains(scale) else {
            throw ModelFileError(file: path, problem: "face_scale is \(scale), outside \(FramePreprocessing.faceScaleRange)")
        }
        guard DetectionResolution.allowedMaxSides.contains(Int(clamping: side)) else {
            throw ModelFileError(file: path, problem: "face_detect_max_side is \(side), outside \(DetectionResolution.allowedMaxSides)")
        }
        guard let policy = NoFacePolicy(rawValue: noFace) else {
            throw ModelFileError(file: path, problem: "no_face is '\(noFace)', not fail or whole-frame")
        }
        var metadata = CacheMetadata(backbone: "", weightsSHA256: "", inputSize: 0, normalization: "", frames: 0,
                                     embeddingDimension: 0, samplingPolicy: "", cropPolicy: CropPolicy.face.rawValue, dataset: "")
        metadata.faceScale = scale
        metadata.detectMaxSide = Int(side)
        metadata.noFace = policy.rawValue
        metadata.faceTracksSHA256 = try file.stringAttribute("face_tracks_sha256")
        return FaceCropRecord(metadata)
    }
}
