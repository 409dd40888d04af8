import Extract
import Foundation
import Shared

/// Our MTCNN alone on the frames bench/run.py dumps as raw rgb24 (the same pixels the facenet-pytorch peer
/// reads): every repeat detects on all frames at once, as the face stage does (one image a core).
struct MTCNNBenchmark {
    let rawFrames: URL
    let width: Int
    let height: Int
    let modelsDirectory: URL
    let repeats: Int

    struct Result: Encodable {
        let width: Int
        let height: Int
        let frames: Int
        let secondsPerRun: [Double]
        let framesPerSecond: Double
        let bestFramesPerSecond: Double
        /// Faces found per frame (the peer prints the same, so both sides are seen to do the same work).
        let facesPerFrame: [Int]
        let threads: Int
    }

    func run() throws -> Result {
        let data = try Data(contentsOf: rawFrames)
        let frameBytes = width * height * 3
        guard frameBytes > 0, data.count >= frameBytes, data.count % frameBytes == 0 else {
            throw BenchUsageError(problem: "\(rawFrames.path): \(data.count) bytes is not a whole number of \(width)x\(height) rgb24 frames")
        }
        let bytes = [UInt8](data)
        let images = (0..<(data.count / frameBytes)).map { index in
            RGBImage(width: width, height: height, pixels: Array(bytes[(index * frameBytes)..<((index + 1) * frameBytes)]))
        }
        let detector = try MTCNN.load(modelsDirectory: modelsDirectory)
        var faces: [[FaceDetection]] = []
        let times = Timing.runs(repeats: repeats) { faces = detector.detect(images) }
        return Result(width: width, height: height, frames: images.count, secondsPerRun: times,
                      framesPerSecond: Double(images.count) / Timing.median(times),
                      bestFramesPerSecond: Double(images.count) / (times.min() ?? .nan),
                      facesPerFrame: faces.map(\.count), threads: availableCores)
    }
}
