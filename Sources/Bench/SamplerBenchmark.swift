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

    func run() throws -> Result {
        let single = VideoFrameSampler(frameCount: frameCount, outputSize: outputSize, mode: mode)
        let sampler = concurrentVideos > 1 ? single.withDecoderThreads(1) : single
        var counts = Counts()
        let times = try Timing.runs(repeats: repeats, warmup: 0) {
            counts = try sampleAll(with: sampler)
        }
        let median = Timing.median(times)
        return Result(clips: clips.count, frames: frameCount, concurrentVideos: concurrentVideos,
                      videoFramesPerPass: counts.videoFrames, decodedFramesPerPass: counts.decodedFrames,
                      secondsPerPass: times, videosPerSecond: Double(clips.count) / median,
                      videoFramesPerSecond: Double(counts.videoFrames) / median)
    }

    private func sampleAll(with sampler: VideoFrameSampler) throws -> Counts {
        var perClip = [Swift.Result<SampledFrames, Error>?](repeating: nil, count: clips.count)
        if concurrentVideos <= 1 {
            for (index, clip) in clips.enumerated() { perClip[index] = Swift.Result { try sampler.sample(clip) } }
        } else {
            // Workers take the next clip when free, like extract's decoders.
            let next = NextIndex()
            let clips = self.clips
            perClip.withUnsafeMutableBufferPointer { slots in
                let slots = ClipSlots(base: slots.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: concurrentVideos) { _ in
                    while let index = next.take(below: clips.count) {
                        slots.base[index] = Swift.Result { try sampler.sample(clips[index]) }
                    }
                }
            }
        }
        var counts = Counts()
        for result in perClip {
            let sampled = try result!.get()
            counts.videoFrames += sampled.totalFrames
            counts.decodedFrames += sampled.decodedFrames
        }
        return counts
    }
}

/// A shared counter handing out indices to workers.
private final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Result slots written by disjoint workers, one index each.
private struct ClipSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<Swift.Result<SampledFrames, Error>?>
}
