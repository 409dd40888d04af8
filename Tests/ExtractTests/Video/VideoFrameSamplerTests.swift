import Foundation
import Shared
import Testing
import Extract

/// Sampled frames against the ffmpeg CLI (independent decode + scale) and ffprobe's frame count.
@Suite struct VideoFrameSamplerTests {
    typealias Support = VideoTestSupport

    /// Samples `url`, checks count/indices against ffprobe and pixels against the CLI; returns the result.
    @discardableResult
    private func checkAgainstFFmpeg(_ url: URL, frames: Int, size: Int, crop: CropPolicy = .wholeFrame,
                                    tolerance: Double = 2) throws -> SampledFrames {
        let sampled = try VideoFrameSampler(frameCount: frames, outputSize: size, crop: crop).sample(url)
        let total = try Support.ffprobeFrameCount(url)
        #expect(sampled.totalFrames == total, "\(url.lastPathComponent)")
        let expectedIndices = total >= frames
            ? uniformFrameIndices(totalFrames: total, count: frames)
            : Array(0..<total) + Array(repeating: -1, count: frames - total)
        #expect(sampled.frameIndices == expectedIndices.map(Int32.init), "\(url.lastPathComponent)")
        #expect(sampled.images.count == frames)
        let validIndices = expectedIndices.filter { $0 >= 0 }
        let reference = try Support.ffmpegFrames(url, indices: validIndices, size: size,
                                                 centerCrop: crop == .centerCrop)
        for (slot, image) in reference.enumerated() {
            #expect(sampled.valid[slot])
            let difference = Support.meanAbsoluteDifference(sampled.images[slot], image)
            #expect(difference < tolerance,
                    "\(url.lastPathComponent) \(crop) frame \(validIndices[slot]): mean abs diff \(difference)")
        }
        return sampled
    }

    @Test func megamindWholeFrameMatchesFFmpeg() throws {
        let sampled = try checkAgainstFFmpeg(Support.opencvMedia("Megamind.avi"), frames: 32, size: 64)
        #expect(sampled.width == 720 && sampled.height == 528)
    }

    @Test func megamindCenterCropMatchesFFmpeg() throws {
        try checkAgainstFFmpeg(Support.opencvMedia("Megamind.avi"), frames: 8, size: 48, crop: .centerCrop)
    }

    @Test func vtestMatchesFFmpeg() throws {
        try checkAgainstFFmpeg(Support.opencvMedia("vtest.avi"), frames: 16, size: 56)
    }

    /// tree.avi's header claims 444 frames but only 68 decode (dropped-frame index entries): the sampler
    /// must learn the true count and resample.
    @Test func treeWithWrongHeaderCountIsResampled() throws {
        let sampled = try checkAgainstFFmpeg(Support.opencvMedia("tree.avi"), frames: 32, size: 40)
        #expect(sampled.totalFrames == 68)
    }

    @Test func oddSizeClipMatchesFFmpegInBothCrops() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("odd.mkv", in: directory, [
            "-f", "lavfi", "-i", "testsrc=size=97x61:rate=25", "-t", "2", "-c:v", "ffv1", "-pix_fmt", "yuv420p"])
        let sampled = try checkAgainstFFmpeg(clip, frames: 10, size: 33)
        #expect(sampled.width == 97 && sampled.height == 61)
        try checkAgainstFFmpeg(clip, frames: 10, size: 33, crop: .centerCrop)
    }

    @Test func tenBitClipMatchesFFmpeg() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("ten.mkv", in: directory, [
            "-f", "lavfi", "-i", "testsrc2=size=128x72:rate=25", "-t", "2", "-c:v", "ffv1", "-pix_fmt", "yuv420p10le"])
        try checkAgainstFFmpeg(clip, frames: 12, size: 32)
    }

    @Test func tenBitHEVCClipMatchesFFmpeg() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("ten.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc2=size=128x72:rate=25", "-t", "1", "-c:v", "libx265",
            "-x265-params", "log-level=none", "-pix_fmt", "yuv420p10le"])
        try checkAgainstFFmpeg(clip, frames: 6, size: 32)
    }

    @Test func grayClipMatchesFFmpeg() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("gray.mkv", in: directory, [
            "-f", "lavfi", "-i", "testsrc=size=80x60:rate=25", "-t", "2", "-c:v", "ffv1", "-pix_fmt", "gray"])
        let sampled = try checkAgainstFFmpeg(clip, frames: 8, size: 24)
        // Gray in, gray out: R == G == B everywhere.
        let pixels = sampled.images[3].pixels
        var colouredPixels = 0
        for i in stride(from: 0, to: pixels.count, by: 3) where pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2] {
            colouredPixels += 1
        }
        #expect(colouredPixels == 0)
    }

    /// Irregular timestamps (frames dropped in a pattern, timestamps kept): count frames, not time.
    @Test func variableFrameRateClipMatchesFFmpeg() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("vfr.mkv", in: directory, [
            "-f", "lavfi", "-i", "testsrc=size=96x64:rate=30", "-t", "4",
            "-vf", "select='lt(mod(n\\,10)\\,3)+gt(n\\,90)'", "-fps_mode", "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        let total = try Support.ffprobeFrameCount(clip)
        #expect(total == 28 + 29)  // 3 of every 10 of frames 0...90 (0,1,2,...,90), then all of 91...119
        try checkAgainstFFmpeg(clip, frames: 16, size: 32)
    }

    /// An MP4 (index first) cut in half: the ffmpeg CLI decodes what is there, so do we, with a warning.
    @Test func truncatedMidStreamSamplesDecodedFramesAndWarns() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("faststart.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "4", "-c:v", "libx264", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart"])
        let data = try Data(contentsOf: clip)
        let half = directory.appendingPathComponent("half.mp4")
        try data.prefix(data.count / 2).write(to: half)
        let sampled = try checkAgainstFFmpeg(half, frames: 8, size: 24)
        #expect(sampled.totalFrames < 100)
        #expect(sampled.warnings.contains { $0.contains(half.path) && $0.contains("declares 100 frames") },
                "\(sampled.warnings)")
        let whole = try VideoFrameSampler(frameCount: 8, outputSize: 24).sample(clip)
        #expect(whole.warnings.isEmpty, "\(whole.warnings)")
    }

    @Test func shortClipIsPaddedWithInvalidBlackSlots() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clip = try Support.makeClip("five.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc=size=64x48:rate=25", "-frames:v", "5", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        let sampled = try checkAgainstFFmpeg(clip, frames: 8, size: 16)
        #expect(sampled.totalFrames == 5)
        #expect(sampled.frameIndices == [0, 1, 2, 3, 4, -1, -1, -1])
        #expect(sampled.valid == [true, true, true, true, true, false, false, false])
        for slot in 5..<8 {
            #expect(sampled.images[slot].pixels.allSatisfy { $0 == 0 })
            #expect(sampled.images[slot].width == 16 && sampled.images[slot].height == 16)
        }
    }

    /// An upright pattern (red block top-left, blue block bottom-right) stored turned, with a display matrix
    /// turning it back: the sampler's output must be upright. FFmpeg 5's `rotate=R` tag (only kept on a
    /// stream copy) becomes a matrix that turns R degrees counter-clockwise, so the stored frame is turned
    /// R degrees clockwise.
    @Test(arguments: [(90, "transpose=clock"), (180, "hflip,vflip"), (270, "transpose=cclock")])
    func rotationMetadataMakesFramesUpright(degrees: Int, storedTurn: String) throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pattern = "color=black:size=96x64:rate=10,drawbox=x=0:y=0:w=48:h=32:color=red:t=fill,"
            + "drawbox=x=48:y=32:w=48:h=32:color=blue:t=fill"
        let stored = try Support.makeClip("stored\(degrees).mp4", in: directory, [
            "-f", "lavfi", "-i", pattern, "-frames:v", "4", "-vf", storedTurn, "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        let clip = try Support.makeClip("rot\(degrees).mp4", in: directory, [
            "-i", stored.path, "-c", "copy", "-metadata:s:v", "rotate=\(degrees)"])
        let sampled = try checkAgainstFFmpeg(clip, frames: 2, size: 32)
        #expect(sampled.width == 96 && sampled.height == 64, "display size after rotation")
        let image = sampled.images[0]
        let topLeft = Support.meanColor(image, x: 2..<14, y: 2..<14)
        let bottomRight = Support.meanColor(image, x: 18..<30, y: 18..<30)
        let topRight = Support.meanColor(image, x: 18..<30, y: 2..<14)
        #expect(topLeft.0 > 200 && topLeft.2 < 40, "red block top-left, got \(topLeft)")
        #expect(bottomRight.2 > 200 && bottomRight.0 < 40, "blue block bottom-right, got \(bottomRight)")
        #expect(topRight.0 < 30 && topRight.2 < 30, "black top-right, got \(topRight)")
    }

    @Test func concurrentSamplingGivesIdenticalResults() async throws {
        let url = try Support.opencvMedia("Megamind.avi")
        let sampler = VideoFrameSampler(frameCount: 8, outputSize: 32)
        let serial = try sampler.sample(url)
        let results = try await withThrowingTaskGroup(of: SampledFrames.self) { group in
            for _ in 0..<3 { group.addTask { try sampler.sample(url) } }
            var all: [SampledFrames] = []
            for try await result in group { all.append(result) }
            return all
        }
        for result in results {
            #expect(result.images == serial.images)
            #expect(result.frameIndices == serial.frameIndices)
        }
    }

    @Test func photoDecodesLikeFFmpeg() throws {
        for name in ["squirrel_cls.jpg", "baboon.jpg", "chicky_512.png"] {
            let url = try Support.opencvMedia(name)
            let image = try decodeImage(url, size: 48)
            #expect(image.width == 48 && image.height == 48)
            let reference = try Support.ffmpegFrames(url, indices: [0], size: 48)[0]
            let difference = Support.meanAbsoluteDifference(image, reference)
            #expect(difference < 2, "\(name): mean abs diff \(difference)")
        }
    }
}
