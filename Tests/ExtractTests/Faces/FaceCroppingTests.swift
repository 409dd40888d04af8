import Foundation
import Shared
import Testing
@testable import Extract

/// FaceCropping on awkward real clips: fewer frames than slots, a grayscale source, a known track whose frames
/// no longer match.
@Suite struct FaceCroppingTests {
    private func cropping(frames: Int, noFace: NoFacePolicy = .fail) throws -> FaceCropping {
        let sampler = VideoFrameSampler(frameCount: frames, preprocessing: FramePreprocessing(crop: .face, outputSize: 64))
        return FaceCropping(sampler: sampler, detector: try MTCNNTestAssets.detector(), resolution: DetectionResolution(),
                            tracking: FaceTrackingSettings(), noFace: noFace)
    }

    private func clip(_ name: String, _ arguments: [String], in directory: URL) throws -> URL {
        let photo = try MTCNNTestAssets.directory("test-media").appendingPathComponent("astronaut.png")
        try #require(FileManager.default.fileExists(atPath: photo.path), "run `make setup` for the test photos")
        return try VideoTestSupport.makeClip(name, in: directory, ["-loop", "1", "-framerate", "10", "-i", photo.path] + arguments)
    }

    /// Five gray frames for eight slots: the five are cropped around the face, the padding stays black and unfound.
    @Test func aShortGrayscaleVideoKeepsItsFramesAndPadsTheRest() throws {
        let directory = try VideoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try clip("gray.mkv", ["-frames:v", "5", "-vf", "scale=320:320", "-c:v", "ffv1", "-pix_fmt", "gray"],
                           in: directory)
        let video = try cropping(frames: 8).process(url)
        let track = try #require(video.track)
        #expect(video.sampled.valid == [true, true, true, true, true, false, false, false])
        #expect(track.found == [true, true, true, true, true, false, false, false])
        #expect(video.sampled.images[7].pixels.allSatisfy { $0 == 0 })
        // A gray source gives gray crops, and the face box sits in the upper middle of the portrait.
        let crop = video.sampled.images[0]
        #expect(stride(from: 0, to: crop.pixels.count, by: 3).allSatisfy { crop.pixels[$0] == crop.pixels[$0 + 1] })
        #expect(track.boxes[0].centreX > 100 && track.boxes[0].centreX < 220 && track.boxes[0].width > 40)
    }

    /// A cached track made on other frames (the file was re-encoded, the sampler changed) is refused, not misapplied.
    @Test func aKnownTrackOnOtherFramesIsRefused() throws {
        let directory = try VideoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try clip("clip.mp4", ["-frames:v", "12", "-vf", "scale=320:320", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
                           in: directory)
        let face = FaceBox(x1: 120, y1: 40, x2: 200, y2: 140)
        let track = FaceTrack(boxes: Array(repeating: face, count: 4), scores: [1, 1, 1, 1],
                              landmarks: Array(repeating: Array(repeating: FacePoint(x: 0, y: 0), count: 5), count: 4),
                              found: [true, true, true, true])
        let error = #expect(throws: FaceError.self) {
            try cropping(frames: 4).process(url, known: .track(track, frameIndices: [0, 1, 2, 3]))
        }
        #expect(error?.description.contains("delete the face cache") == true)
        // The right frames: cropped with the given box, nothing detected.
        let video = try cropping(frames: 4).process(url, known: .track(track, frameIndices: [0, 3, 7, 11]))
        #expect(!video.detected && video.track == track)
    }

    @Test func aVideoWithoutAFaceFailsOrIsEmbeddedWholeWhenAsked() throws {
        let directory = try VideoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try VideoTestSupport.makeClip("pattern.mp4", in: directory, [
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-frames:v", "8", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        let error = #expect(throws: FaceError.self) { try cropping(frames: 4).process(url) }
        #expect(error == .noFace(path: url.path, frames: 4))
        let whole = try cropping(frames: 4, noFace: .wholeFrame).process(url)
        #expect(whole.track == nil && whole.sampled.valid.allSatisfy { $0 })
        let reference = try VideoFrameSampler(frameCount: 4, outputSize: 64).sample(url)
        #expect(whole.sampled.images == reference.images, "whole frames exactly as a whole-frame cache makes them")
    }
}
