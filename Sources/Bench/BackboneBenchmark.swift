import Extract
import Foundation
import Shared

/// Frames per second of `Backbone.embed` (normalisation + CNN + global pooling) per batch size.
/// Pixel values do not change the work a CNN does, so seeded random images stand in for frames.
struct BackboneBenchmark {
    let kind: BackboneKind
    let modelsDirectory: URL
    /// A checkpoint to use instead of the published one (`--weights`), e.g. seeded random weights.
    let weights: URL?
    let batchSizes: [Int]
    /// At least this many frames per timed run (rounded up to whole batches), so batch 1 is not all noise.
    let framesPerRun: Int
    let repeats: Int

    struct BatchResult: Encodable {
        let batchSize: Int
        let framesPerRun: Int
        let secondsPerRun: [Double]
        let framesPerSecond: Double
        /// Process CPU seconds (user + system) per frame over the timed runs: on a shared machine this moves far
        /// less than wall time, so single-thread comparisons (OPENBLAS_NUM_THREADS=1, batch <= 2) read it.
        let cpuSecondsPerFrame: Double
        /// The system part of it (page faults on freshly mapped activations show up here).
        let systemSecondsPerFrame: Double
    }

    struct Result: Encodable {
        let backbone: String
        let weights: String
        let coreName: String
        let loadSeconds: Double
        let batches: [BatchResult]
    }

    func run() throws -> Result {
        var backbone: (any Backbone)?
        let loadSeconds = try Timing.seconds {
            backbone = try BackboneLoader.load(kind, modelsDirectory: modelsDirectory, weights: weights)
        }
        guard let backbone else { throw BenchUsageError(problem: "backbone did not load") }
        var batches: [BatchResult] = []
        for batchSize in batchSizes {
            let images = RandomImages.make(count: batchSize, size: kind.inputSize, seed: UInt64(batchSize))
            let calls = max(1, (framesPerRun + batchSize - 1) / batchSize)
            var cpu = (user: 0.0, system: 0.0)
            let times = Timing.runs(repeats: repeats) {
                let before = Timing.processCPU()
                for _ in 0..<calls { _ = backbone.embed(images) }
                let after = Timing.processCPU()
                cpu = (cpu.user + after.user - before.user, cpu.system + after.system - before.system)
            }
            let frames = calls * batchSize
            // The warm-up call is counted too: one more run's worth of frames.
            let cpuFrames = Double(frames * (times.count + 1))
            batches.append(BatchResult(batchSize: batchSize, framesPerRun: frames, secondsPerRun: times,
                                       framesPerSecond: Double(frames) / Timing.median(times),
                                       cpuSecondsPerFrame: (cpu.user + cpu.system) / cpuFrames,
                                       systemSecondsPerFrame: cpu.system / cpuFrames))
            JSONOutput.progress("\(kind.rawValue) batch \(batchSize): \(String(format: "%.1f", Double(frames) / Timing.median(times))) frames/s")
        }
        if let layers = LayerProfile.report() {
            let total = layers.reduce(0) { $0 + $1.seconds }
            for layer in layers {
                JSONOutput.progress(String(format: "layer %7.3f s %5.1f%% %5d calls  ", layer.seconds,
                                           100 * layer.seconds / total, layer.calls) + layer.label)
            }
        }
        return Result(backbone: kind.rawValue, weights: weights?.lastPathComponent ?? kind.weightFileName,
                      coreName: OpenBLASKernels.coreName, loadSeconds: loadSeconds, batches: batches)
    }
}

/// Deterministic noise images (xorshift), the same on every run.
enum RandomImages {
    static func make(count: Int, size: Int, seed: UInt64) -> [RGBImage] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            var pixels = [UInt8](repeating: 0, count: size * size * 3)
            for index in pixels.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                pixels[index] = UInt8(truncatingIfNeeded: state >> 24)
            }
            return RGBImage(width: size, height: size, pixels: pixels)
        }
    }
}
