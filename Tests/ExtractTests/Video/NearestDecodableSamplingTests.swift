import Foundation
import Shared
import Testing
import Extract

/// The opt-in nearest-decodable mode against the ffmpeg CLI's full decode of the frames it says it used.
@Suite struct NearestDecodableSamplingTests {
    typealias Support = VideoTestSupport

    /// H.264 with three non-reference B-frames between references: most uniform targets must snap.
    private func clipWithBFrames(in directory: URL) throws -> URL {
        try Support.makeClip("bframes.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "6", "-c:v", "libx264", "-preset", "veryfast",
            "-bf", "3", "-x264-params", "b-pyramid=0:b-adapt=0:keyint=50", "-pix_fmt", "yuv420p"])
    }

    @Test func snappedFramesAreNearTheTargetsAndEqualFFmpegsDecodeOfThoseFrames() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try clipWithBFrames(in: directory)
        let frames = 24
        let sampled = try VideoFrameSampler(frameCount: frames, outputSize: 32, mode: .nearestDecodable).sample(clip)
        let total = try Support.ffprobeFrameCount(clip)
        #expect(sampled.totalFrames == total)
        let exact = uniformFrameIndices(totalFrames: total, count: frames)
        let used = sampled.frameIndices.map(Int.init)
        #expect(sampled.valid == [Bool](repeating: true, count: frames))
        // References are at most 4 frames apart here, so no target is more than 2 frames from a decoded one.
        for (target, index) in zip(exact, used) { #expect(abs(target - index) <= 2, "target \(target) -> \(index)") }
        #expect(used != exact, "no target snapped: the decoder did not skip non-reference frames")
        #expect(used == used.sorted())
        let reference = try Support.ffmpegFrames(clip, indices: used, size: 32)
        for (slot, image) in reference.enumerated() {
            let difference = Support.meanAbsoluteDifference(sampled.images[slot], image)
            #expect(difference < 2, "slot \(slot) frame \(used[slot]): mean abs diff \(difference)")
        }
    }

    @Test func clipsWithoutBFramesSampleExactlyTheUniformFrames() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("intra.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "3", "-c:v", "libx264", "-preset", "veryfast",
            "-bf", "0", "-pix_fmt", "yuv420p"])
        let snapped = try VideoFrameSampler(frameCount: 16, outputSize: 32, mode: .nearestDecodable).sample(clip)
        let exact = try VideoFrameSampler(frameCount: 16, outputSize: 32).sample(clip)
        #expect(snapped.frameIndices == exact.frameIndices)
        #expect(snapped.totalFrames == exact.totalFrames)
        for slot in 0..<16 { #expect(snapped.images[slot].pixels == exact.images[slot].pixels, "slot \(slot)") }
    }

    @Test func shortVideosFallBackToExactPadding() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try clipWithBFrames(in: directory)
        let total = try Support.ffprobeFrameCount(clip)
        let sampled = try VideoFrameSampler(frameCount: total + 4, outputSize: 16, mode: .nearestDecodable).sample(clip)
        #expect(sampled.frameIndices == (0..<total).map(Int32.init) + [Int32](repeating: -1, count: 4))
    }
}
