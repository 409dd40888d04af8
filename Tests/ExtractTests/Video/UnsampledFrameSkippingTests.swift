import Foundation
import Shared
import Testing
@testable import Extract

/// Exact sampling skips H.264 frames that are neither sampled nor referenced by any other frame. The sampled
/// frames must be bit-identical to a pass that decodes every frame, and that pass must agree with the ffmpeg CLI.
@Suite struct UnsampledFrameSkippingTests {
    typealias Support = VideoTestSupport

    /// H.264 encodings with non-reference B-frames: plain, pyramid (some B-frames are references), open GOPs,
    /// strict pyramid with several references and weighted prediction, interlaced (MBAFF), MPEG-TS.
    static let encodings: [(name: String, x264: String)] = [
        ("plain.mp4", "b-pyramid=none:b-adapt=0:keyint=50"),
        ("pyramid.mp4", "b-pyramid=normal:b-adapt=0:keyint=40"),
        ("open-gop.mkv", "b-pyramid=normal:b-adapt=0:keyint=30:open-gop=1"),
        ("strict-pyramid.mp4", "b-pyramid=strict:b-adapt=0:keyint=45:ref=3:weightb=1"),
        ("interlaced.mp4", "b-pyramid=normal:b-adapt=0:keyint=40:interlaced=1"),
        ("transport-stream.ts", "b-pyramid=normal:b-adapt=0:keyint=40"),
    ]

    private func clip(_ name: String, x264: String, in directory: URL) throws -> URL {
        try Support.makeClip(name, in: directory, [
            "-f", "lavfi", "-i", "testsrc2=size=160x96:rate=25", "-t", "6", "-c:v", "libx264", "-preset", "veryfast",
            "-bf", "3", "-x264-params", x264, "-pix_fmt", "yuv420p"])
    }

    /// Every frame decoded, numbered in output order: the reference the skipping pass must reproduce.
    private func fullDecode(_ url: URL, indices: [Int32], size: Int) throws -> DecodePassResult<RGBImage> {
        let targets = Set(indices.map(Int.init))
        let converter = FrameConverter()
        let preprocessing = FramePreprocessing(crop: .wholeFrame, outputSize: size)
        return try VideoDecoder.decode(path: url.path, targets: { _ in targets }, stopAfterLastTarget: false) {
            try preprocessing.image(from: $0, converter: converter, path: url.path)
        }
    }

    @Test(arguments: 0..<encodings.count)
    func sampledFramesEqualAFullDecode(encoding: Int) throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (name, x264) = Self.encodings[encoding]
        let url = try clip(name, x264: x264, in: directory)
        let frames = 20, size = 40
        let total = try Support.ffprobeFrameCount(url)

        for threads in [0, 1] {
            let sampled = try VideoFrameSampler(frameCount: frames, outputSize: size, decoderThreads: threads).sample(url)
            #expect(sampled.totalFrames == total, "\(name)")
            #expect(sampled.frameIndices == uniformFrameIndices(totalFrames: total, count: frames).map(Int32.init))
            // 150 frames with 3 B-frames per reference: at least a third are non-reference and unsampled.
            #expect(sampled.decodedFrames < total * 3 / 4,
                    "\(name), \(threads) threads: \(sampled.decodedFrames) of \(total) decoded; nothing was skipped")
            let full = try fullDecode(url, indices: sampled.frameIndices, size: size)
            #expect(full.framesDecoded == total)
            for (slot, index) in sampled.frameIndices.enumerated() {
                #expect(sampled.images[slot].pixels == full.images[Int(index)]?.pixels,
                        "\(name), \(threads) threads: slot \(slot), frame \(index) differs from the full decode")
            }
        }
        let reference = try Support.ffmpegFrames(url, indices: uniformFrameIndices(totalFrames: total, count: frames),
                                                 size: size)
        let full = try fullDecode(url, indices: uniformFrameIndices(totalFrames: total, count: frames).map(Int32.init),
                                  size: size)
        for (slot, index) in uniformFrameIndices(totalFrames: total, count: frames).enumerated() {
            let difference = Support.meanAbsoluteDifference(full.images[index]!, reference[slot])
            #expect(difference < 2, "\(name) frame \(index): mean abs diff \(difference) from the ffmpeg CLI")
        }
    }

    /// A stream copy cut mid-GOP keeps the packets back to the keyframe and an edit list marking them discarded:
    /// the decoder drops those frames, so packets no longer count frames and the sampler must decode them all.
    @Test func editListCutFallsBackToDecodingEveryFrame() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try clip("source.mp4", x264: "b-pyramid=normal:b-adapt=0:keyint=40", in: directory)
        let cut = directory.appendingPathComponent("cut.mp4")
        _ = try Support.run("ffmpeg", ["-v", "error", "-y", "-ss", "1.3", "-i", source.path, "-c", "copy", cut.path])
        let total = try Support.ffprobeFrameCount(cut)
        let index = try #require(try PacketIndex.read(path: cut.path))
        #expect(index.count > total, "the cut kept no discarded packets; the test no longer covers edit lists")
        #expect(!index.allowsExactSkipping)

        let sampled = try VideoFrameSampler(frameCount: 16, outputSize: 32).sample(cut)
        #expect(sampled.totalFrames == total)
        #expect(sampled.decodedFrames == total)
        let indices = uniformFrameIndices(totalFrames: total, count: 16)
        #expect(sampled.frameIndices == indices.map(Int32.init))
        let reference = try Support.ffmpegFrames(cut, indices: indices, size: 32)
        for (slot, image) in reference.enumerated() {
            #expect(Support.meanAbsoluteDifference(sampled.images[slot], image) < 2, "slot \(slot)")
        }
    }

    /// MPEG-4 Part 2 (the opencv-doc AVIs) is not H.264: sampled by decoding every frame.
    @Test func otherCodecsDecodeEveryFrame() throws {
        let sampled = try VideoFrameSampler(frameCount: 8, outputSize: 16).sample(Support.opencvMedia("vtest.avi"))
        #expect(sampled.decodedFrames == sampled.totalFrames)
    }
}
