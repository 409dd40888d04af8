import Foundation
import Shared

/// One video through the face stage: the network inputs cropped around its subject, and the subject's track.
public struct FaceVideo: Sendable {
    /// The crops (whole frames for a video without a face under `NoFacePolicy.wholeFrame`).
    public var sampled: SampledFrames
    /// nil when no sampled frame shows a face.
    public var track: FaceTrack?
    /// True when the track was detected in this pass (so it belongs in the face cache), false when it was given.
    public var detected: Bool
}

/// What the face cache already says about a video.
public enum KnownFaceTrack: Sendable {
    /// Its subject's track, made on these frames.
    case track(FaceTrack, frameIndices: [Int32])
    /// No sampled frame showed a face.
    case noFace
}

/// Per video: decode the sampled frames once at full resolution, find the subject (detect on copies no larger
/// than `resolution`, then track) unless its track is already known, and crop every frame around it.
public struct FaceCropping: Sendable {
    /// Samples frames; its preprocessing says the input size and the face scale.
    public let sampler: VideoFrameSampler
    public let detector: any FaceDetector
    public let resolution: DetectionResolution
    public let tracking: FaceTrackingSettings
    public let noFace: NoFacePolicy

    public init(sampler: VideoFrameSampler, detector: any FaceDetector, resolution: DetectionResolution,
                tracking: FaceTrackingSettings, noFace: NoFacePolicy) {
        self.sampler = sampler
        self.detector = detector
        self.resolution = resolution
        self.tracking = tracking
        self.noFace = noFace
    }

    /// The sampler with other decoder threads, as `forEachVideo` hands it out.
    public func with(_ sampler: VideoFrameSampler) -> FaceCropping {
        FaceCropping(sampler: sampler, detector: detector, resolution: resolution, tracking: tracking, noFace: noFace)
    }

    /// Throws `VideoError` for undecodable files and `FaceError` when no frame shows a face (under
    /// `NoFacePolicy.fail`) or a known track does not fit the frames.
    public func process(_ url: URL, known: KnownFaceTrack? = nil) throws -> FaceVideo {
        let path = url.path
        let frames = try sampler.sampleDecoded(url)
        let track: FaceTrack?
        switch known {
        case .track(let cached, let frameIndices):
            guard frameIndices == frames.frameIndices else {
                throw FaceError.trackMismatch(path: path, detail: "cached frame indices \(frameIndices.prefix(4))..., sampled now \(frames.frameIndices.prefix(4))...")
            }
            track = cached
        case .noFace:
            track = nil
        case nil:
            track = FaceTracking.track(try detections(in: frames, path: path), settings: tracking)
        }
        let converter = FrameConverter()
        var preprocessing = sampler.preprocessing
        if track == nil {
            guard noFace == .wholeFrame else {
                throw FaceError.noFace(path: path, frames: frames.valid.filter { $0 }.count)
            }
            preprocessing.crop = .wholeFrame
        }
        let crops = try frames.map { slot, frame in
            try preprocessing.image(from: frame, face: track?.boxes[slot], converter: converter, path: path)
        }
        return FaceVideo(sampled: SampledFrames(crops, size: preprocessing.outputSize), track: track,
                         detected: known == nil)
    }

    /// Faces per slot in full-resolution display pixels; nil for padded slots.
    func detections(in frames: SampledVideo<DecodedFrame>, path: String) throws -> [[FaceDetection]?] {
        let converter = FrameConverter()
        var images: [RGBImage] = []
        var scales: [(x: Float, y: Float)] = []
        for frame in frames.frames.compactMap({ $0 }) {
            let size = resolution.size(width: frame.displayWidth, height: frame.displayHeight)
            images.append(try converter.convert(frame, width: size.width, height: size.height, path: path))
            scales.append((Float(frame.displayWidth) / Float(size.width), Float(frame.displayHeight) / Float(size.height)))
        }
        // Boxes wholly outside the frame cannot be a subject (the face cache refuses them too).
        var found = detector.detect(images).enumerated().map { index, faces in
            faces.map { $0.scaled(x: scales[index].x, y: scales[index].y) }.filter { face in
                face.box.x2 > 0 && face.box.y2 > 0 && face.box.x1 < Float(frames.width) && face.box.y1 < Float(frames.height)
            }
        }[...]
        return frames.frames.map { $0 == nil ? nil : found.popFirst() ?? [] }
    }
}
