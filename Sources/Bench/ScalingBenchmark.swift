import Extract
import Foundation

/// Seconds to sample and embed one clip against the number of frames sampled: where the time goes
/// (decode is fixed per video, the CNN grows with the frame count).
struct ScalingBenchmark {
    let clip: URL
    let kind: BackboneKind
    let modelsDirectory: URL
    let frameCounts: [Int]
    let repeats: Int

    struct Row: Encodable {
        let frames: Int
        let sampleSeconds: Double
        let embedSeconds: Double
        let totalSeconds: Double
        let embeddedFramesPerSecond: Double
    }

    struct Result: Encodable {
        let clip: String
        let backbone: String
        let rows: [Row]
    }

    func run() throws -> Result {
        let backbone = try BackboneLoader.load(kind, modelsDirectory: modelsDirectory)
        var rows: [Row] = []
        for frames in frameCounts {
            let sampler = VideoFrameSampler(frameCount: frames, outputSize: kind.inputSize)
            var sampleTimes: [Double] = []
            var embedTimes: [Double] = []
            for _ in 0..<max(repeats, 1) {
                var sampled: SampledFrames?
                sampleTimes.append(try Timing.seconds { sampled = try sampler.sample(clip) })
                let images = sampled?.images ?? []
                embedTimes.append(Timing.seconds { _ = backbone.embed(images) })
            }
            let sample = Timing.median(sampleTimes), embed = Timing.median(embedTimes)
            rows.append(Row(frames: frames, sampleSeconds: sample, embedSeconds: embed, totalSeconds: sample + embed,
                            embeddedFramesPerSecond: Double(frames) / embed))
            JSONOutput.progress("scaling \(frames) frames: sample \(String(format: "%.2f", sample)) s, embed \(String(format: "%.2f", embed)) s")
        }
        return Result(clip: clip.lastPathComponent, backbone: kind.rawValue, rows: rows)
    }
}
