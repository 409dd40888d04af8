import Foundation
import Shared
import Testing

/// Twelve one-second clips of vtest.avi under `<data>/<dataset>/{real,fake}/`; the fakes are mirrored, an easy
/// difference for a head to learn.
func makeMirroredClips(in data: URL, dataset: String) throws {
    for i in 0..<12 {
        let fake = i % 2 == 1
        let url = data.appendingPathComponent("\(dataset)/\(fake ? "fake" : "real")/clip\(i).avi")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-v", "error", "-y", "-ss", String(i * 5), "-t", "1",
                             "-i", "/usr/share/doc/opencv-doc/examples/data/vtest.avi",
                             "-vf", fake ? "hflip,scale=128:96" : "scale=128:96", "-c:v", "mpeg4", url.path]
        try process.runFenced()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg could not cut a clip: run `make setup`")
    }
}
