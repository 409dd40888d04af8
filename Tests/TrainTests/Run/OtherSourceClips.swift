import Foundation
import Shared
import Testing

/// Twelve one-second clips of Megamind.avi under `<data>/<dataset>/{real,fake}/`, the fakes mirrored: made as
/// `makeMirroredClips` makes its clips, from another source video, for cross-dataset evaluation.
func makeOtherSourceClips(in data: URL, dataset: String) throws {
    for i in 0..<12 {
        let fake = i % 2 == 1
        let url = data.appendingPathComponent("\(dataset)/\(fake ? "fake" : "real")/clip\(i).avi")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-v", "error", "-y", "-ss", String(format: "%.1f", Double(i) * 0.8), "-t", "1",
                             "-i", "/usr/share/doc/opencv-doc/examples/data/Megamind.avi",
                             "-vf", fake ? "hflip,scale=128:96" : "scale=128:96", "-c:v", "mpeg4", url.path]
        try process.runFenced()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg could not cut a clip: run `make setup`")
    }
}
