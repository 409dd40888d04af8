import Foundation
import Testing
import Extract

/// Throughput of the sampler on Megamind.avi (270 frames, 720x528 MPEG-4) at 32 frames of 224x224.
/// Prints the rate; asserts only that it finished. Run with `swift test -c release --filter VideoDecodeSpeed`.
@Suite struct VideoDecodeSpeedTests {
    @Test func megamindSamplingSpeed() throws {
        let url = try VideoTestSupport.opencvMedia("Megamind.avi")
        let sampler = VideoFrameSampler(frameCount: 32, outputSize: 224)
        _ = try sampler.sample(url)  // warm-up: page cache, codec tables
        let runs = 5
        let clock = ContinuousClock()
        var totalFrames = 0
        let elapsed = try clock.measure {
            for _ in 0..<runs { totalFrames += try sampler.sample(url).totalFrames }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("Megamind.avi 32 frames @224: \(String(format: "%.2f", Double(runs) / seconds)) videos/s, "
              + "\(String(format: "%.0f", Double(totalFrames) / seconds)) source frames/s "
              + "(\(String(format: "%.3f", seconds / Double(runs))) s per video)")
        #expect(totalFrames == runs * 270)
    }
}
