import Foundation
import Testing
@testable import Extract
import Shared

/// A still image renamed to .mp4 is not a one-frame video: sampling it fails with a reason naming image data,
/// which extract records in /failures like any other bad file. Photos are still read by `decodeImage`.
@Suite struct ImageAsVideoTests {
    /// A PNG from opencv-doc if installed, else one drawn by the ffmpeg CLI.
    private func png(in directory: URL) throws -> URL {
        let shipped = VideoTestSupport.opencvData.appendingPathComponent("chicky_512.png")
        if FileManager.default.fileExists(atPath: shipped.path) { return shipped }
        let made = directory.appendingPathComponent("made.png")
        _ = try VideoTestSupport.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "color=red:s=64x48",
                                                 "-frames:v", "1", made.path])
        return made
    }

    @Test func aPNGNamedMP4FailsAsImageData() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("image-as-video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let disguised = directory.appendingPathComponent("photo.mp4")
        try FileManager.default.copyItem(at: try png(in: directory), to: disguised)

        let sampler = VideoFrameSampler(frameCount: 4, outputSize: 32)
        let error = #expect(throws: VideoError.self) { try sampler.sample(disguised) }
        guard case .imageNotVideo(let path, let format)? = error else {
            Issue.record("expected imageNotVideo, got \(String(describing: error))")
            return
        }
        #expect(path == disguised.path)
        #expect(format.hasSuffix("_pipe") || format.hasPrefix("image2"))
        #expect(error?.description.contains("\(disguised.path): not a video (image data") == true)

        // The same bytes as a photo still decode.
        #expect(try decodeImage(disguised, size: 16).width == 16)
    }
}
