import Foundation
import Testing
import Shared

/// A small dataset of real face photos turned into 2-second clips by the ffmpeg CLI: zooms, a mirrored copy of
/// each as its "fake", a clip with rotation metadata, a portrait phone-shaped clip, a second person walking in,
/// and a clip with no face at all. The photos are scikit-image's astronaut and camera (fetched by `make setup`)
/// and opencv-doc's messi5.
enum FaceDataset {
    static let astronaut = PredictTests.root.appendingPathComponent("models/test-media/astronaut.png").path
    static let camera = PredictTests.root.appendingPathComponent("models/test-media/camera.png").path
    static let messi = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg"

    /// name -> (inputs, filter graph, rotation tag); every clip is 2 s at 15 frames/s.
    static let clips: [(name: String, inputs: [String], filter: String, rotate: Int?)] = [
        ("astronaut-zoom", [astronaut], "scale=480:480,zoompan=z='1+0.004*on':d=30:s=480x480", nil),
        ("camera-zoom", [camera], "scale=400:400,zoompan=z='1+0.003*on':d=30:s=400x400", nil),
        ("messi", [messi], "scale=720:-2", nil),
        // Upright 360x480, stored turned clockwise (480x360) with a display matrix turning it back.
        ("astronaut-rotated", [astronaut], "scale=360:480,transpose=clock", 90),
        ("messi-portrait", [messi], "crop=200:342:100:0,scale=360:-2,pad=360:640:0:100", nil),
        // The subject on the left all along; a second, larger face joins on the right after a second.
        ("passer-by", [astronaut, camera],
         "[0]scale=300:300,pad=960:540:40:120[a];[1]scale=420:420[c];[a][c]overlay=520:60:enable='gte(t,1)'", nil),
    ]

    /// Writes <root>/real/<clip>.mp4, <root>/fake/<clip>-mirrored.mp4 and <root>/real/no-face.mp4.
    static func make(at root: URL) throws {
        for path in [astronaut, camera, messi] {
            try #require(FileManager.default.fileExists(atPath: path), "\(path) is missing: run `make setup`")
        }
        for clip in clips {
            for (folder, suffix, mirror) in [("real", "", ""), ("fake", "-mirrored", ",hflip")] {
                let url = root.appendingPathComponent("\(folder)/\(clip.name)\(suffix).mp4")
                // Mirrored before the stored turn, so the rotated clip's fake is its upright mirror image.
                let filter = clip.rotate == nil || mirror.isEmpty ? clip.filter + mirror : "hflip," + clip.filter
                guard let rotate = clip.rotate else {
                    try encode(clip.inputs, filter: filter, to: url)
                    continue
                }
                // FFmpeg 5 keeps a rotate tag only on a stream copy.
                let stored = url.deletingPathExtension().appendingPathExtension("stored.mov")
                try encode(clip.inputs, filter: filter, to: stored)
                try ffmpeg(["-i", stored.path, "-c", "copy", "-metadata:s:v", "rotate=\(rotate)", url.path], naming: url)
                try FileManager.default.removeItem(at: stored)
            }
        }
        try encode(["testsrc2=size=320x240:rate=15"], filter: "null", to: root.appendingPathComponent("real/no-face.mp4"),
                   lavfi: true)
    }

    private static func encode(_ inputs: [String], filter: String, to url: URL, lavfi: Bool = false) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var arguments: [String] = []
        for input in inputs { arguments += lavfi ? ["-f", "lavfi", "-i", input] : ["-loop", "1", "-framerate", "15", "-i", input] }
        arguments += ["-filter_complex", filter, "-t", "2", "-r", "15", "-c:v", "libx264", "-preset", "veryfast",
                      "-pix_fmt", "yuv420p", url.path]
        try ffmpeg(arguments, naming: url)
    }

    private static func ffmpeg(_ options: [String], naming url: URL) throws {
        let arguments = ["ffmpeg", "-v", "error", "-y"] + options
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.runFenced()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg could not make \(url.lastPathComponent): \(arguments.joined(separator: " "))")
    }
}
