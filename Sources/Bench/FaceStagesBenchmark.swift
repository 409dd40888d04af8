@testable import Extract
import Foundation
import Shared

/// Where the face pipeline's time goes on one clip, each piece timed on its own, one video at a time (the
/// pieces `FaceCropping.process` and the backbone run; `extract` overlaps decoding with the rest, 2 videos at once):
/// decode the sampled frames, downscale copies for detection, MTCNN, tracking, the face crops, the embedding.
struct FaceStagesBenchmark {
    let clip: URL
    let frames: Int
    let modelsDirectory: URL
    let repeats: Int

    struct Result: Encodable {
        let clip: String
        let frames: Int
        let detectionWidth: Int
        let detectionHeight: Int
        let facesPerFrame: Double
        /// Median seconds per video of each stage, in pipeline order.
        let stages: [Stage]
        let totalSeconds: Double
    }

    struct Stage: Encodable {
        let name: String
        let seconds: Double
        let secondsPerRun: [Double]
    }

    func run() throws -> Result {
        let detector = try MTCNN.load(modelsDirectory: modelsDirectory)
        let kind = BackboneKind.mobilenetV2
        let backbone = try BackboneLoader.load(kind, modelsDirectory: modelsDirectory)
        let preprocessing = FramePreprocessing(crop: .face, outputSize: kind.inputSize)
        let sampler = VideoFrameSampler(frameCount: frames, preprocessing: preprocessing)
        let resolution = DetectionResolution()
        let path = clip.path
        var times: [String: [Double]] = [:]
        var detectionSize = (width: 0, height: 0)
        var facesPerFrame = 0.0
        // One untimed pass first (thread pools, page faults), then the timed ones.
        for run in 0..<(max(repeats, 1) + 1) {
            func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
                var value: T?
                let seconds = try Timing.seconds { value = try body() }
                if run > 0 { times[name, default: []].append(seconds) }
                return value!
            }
            let decoded = try timed("decode") { try sampler.sampleDecoded(clip) }
            let converter = FrameConverter()
            let present = decoded.frames.compactMap { $0 }
            var scales: [(x: Float, y: Float)] = []
            let images = try timed("downscale for detection") {
                try present.map { frame -> RGBImage in
                    let size = resolution.size(width: frame.displayWidth, height: frame.displayHeight)
                    scales.append((Float(frame.displayWidth) / Float(size.width), Float(frame.displayHeight) / Float(size.height)))
                    return try converter.convert(frame, width: size.width, height: size.height, path: path)
                }
            }
            detectionSize = (images.first?.width ?? 0, images.first?.height ?? 0)
            let found = timed("detect (MTCNN)") { detector.detect(images) }
            facesPerFrame = Double(found.map(\.count).reduce(0, +)) / Double(max(found.count, 1))
            // As FaceCropping.detections: boxes back to full resolution (those wholly outside dropped), then the track.
            let track = timed("map boxes + track") { () -> FaceTrack? in
                var mapped = found.enumerated().map { index, faces in
                    faces.map { $0.scaled(x: scales[index].x, y: scales[index].y) }.filter { face in
                        face.box.x2 > 0 && face.box.y2 > 0 && face.box.x1 < Float(decoded.width) && face.box.y1 < Float(decoded.height)
                    }
                }[...]
                let perSlot = decoded.frames.map { $0 == nil ? nil : mapped.popFirst() ?? [] }
                return FaceTracking.track(perSlot, settings: FaceTrackingSettings())
            }
            guard let track else { throw BenchUsageError(problem: "\(clip.lastPathComponent): no face found") }
            let crops = try timed("crop + resize to \(kind.inputSize)") {
                try decoded.map { slot, frame in
                    try preprocessing.image(from: frame, face: track.boxes[slot], converter: converter, path: path)
                }
            }
            let sampled = SampledFrames(crops, size: kind.inputSize)
            _ = timed("embed (MobileNetV2)") { sampled.embeddings(with: backbone, batchSize: 32) }
        }
        let order = ["decode", "downscale for detection", "detect (MTCNN)", "map boxes + track", "crop + resize to \(kind.inputSize)",
                     "embed (MobileNetV2)"]
        let stages = order.map { Stage(name: $0, seconds: Timing.median(times[$0] ?? []), secondsPerRun: times[$0] ?? []) }
        return Result(clip: clip.lastPathComponent, frames: frames, detectionWidth: detectionSize.width,
                      detectionHeight: detectionSize.height, facesPerFrame: facesPerFrame, stages: stages,
                      totalSeconds: stages.map(\.seconds).reduce(0, +))
    }
}
