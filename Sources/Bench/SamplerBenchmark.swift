import Dispatch
import Extract
import Foundation

/// Videos per second of `VideoFrameSampler.sample` over a set of clips.
/// concurrentVideos 1: one video after another (as a Python loop over videos goes), FFmpeg's frame threads
/// using the cores inside each video. 2 or more: that many videos at once with one decoder thread each,
/// which is how `extract` decodes.
struct SamplerBenchmark {
    let clips: [URL]
    let frameCount: Int
    let outputSize: Int
    let repeats: Int
    var mode: SamplingMode = .exact
    var concurrentVideos = 1

    struct Result: Encodable {
        let clips: Int
        let frames: Int
        let concurrentVideos: Int
        /// Frames in the clips, and frames the decoder actually decoded (the rest were skipped unneeded).
        let videoFramesPerPass: Int
        let decodedFramesPerPass: Int
        let secondsPerPass: [Double]
        let videosPerSecond: Double
        let videoFramesPerSecond: Double
    }

    private struct Counts: Sendable {
        var videoFrames = 0
        var decodedFrames = 0
    }

    func run() async throws -> Result {
        let single = VideoFrameSampler(frameCount: frameCount, outputSize: outputSize, mode: mode)
        let sampler = concurrentVideos > 1 ? single.withDecoderThreads(1) : single
        var counts = Counts()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let started = DispatchTime.now().uptimeNanoseconds
            counts = try await sampleAll(with: sampler)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        let median = Timing.median(times)
        return Result(clips: clips.count, frames: frameCount, concurrentVideos: concurrentVideos,
                      videoFramesPerPass: counts.videoFrames, decodedFramesPerPass: counts.decodedFrames,
                      secondsPerPass: times, videosPerSecond: Double(clips.count) / median,
                      videoFramesPerSecond: Double(counts.videoFrames) / median)
    }

    /// Every clip once, at most `concurrentVideos` at a time; a finished clip makes room for the next.
    private func sampleAll(with sampler: VideoFrameSampler) async throws -> Counts {
        try await withThrowingTaskGroup(of: SampledFrames.self) { group in
            var counts = Counts()
            var next = 0
            func launchNext() {
                guard next < clips.count else { return }
                let clip = clips[next]
                group.addTask { try sampler.sample(clip) }
                next += 1
            }
            for _ in 0..<max(1, concurrentVideos) { launchNext() }
            while let sampled = try await group.next() {
                counts.videoFrames += sampled.totalFrames
                counts.decodedFrames += sampled.decodedFrames
                launchNext()
            }
            return counts
        }
    }
}
