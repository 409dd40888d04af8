import Extract
import Foundation

/// Videos per second of `VideoFrameSampler.sample` over a set of clips, one video after another
/// (as a Python loop over videos would go); FFmpeg's frame threads use the cores inside each video.
struct SamplerBenchmark {
    let clips: [URL]
    let frameCount: Int
    let outputSize: Int
    let repeats: Int
    var mode: SamplingMode = .exact

    struct Result: Encodable {
        let clips: Int
        let frames: Int
        let decodedFramesPerPass: Int
        let secondsPerPass: [Double]
        let videosPerSecond: Double
        let decodedFramesPerSecond: Double
    }

    func run() throws -> Result {
        let sampler = VideoFrameSampler(frameCount: frameCount, outputSize: outputSize, mode: mode)
        var decoded = 0
        let times = try Timing.runs(repeats: repeats, warmup: 0) {
            decoded = 0
            for clip in clips { decoded += try sampler.sample(clip).totalFrames }
        }
        let median = Timing.median(times)
        return Result(clips: clips.count, frames: frameCount, decodedFramesPerPass: decoded, secondsPerPass: times,
                      videosPerSecond: Double(clips.count) / median, decodedFramesPerSecond: Double(decoded) / median)
    }
}
