import Foundation
@testable import Shared

/// Reference decoders (the ffmpeg and python3 CLIs) and test pictures for the image tests.
enum ImageTestTools {
    /// Runs `tool` from PATH with `arguments`; its stdout, or an error naming the tool and its status.
    static func output(of tool: String, _ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.runFenced() } catch {
            throw PipelineError("cannot start \(tool): \(error); install it (run `make setup`)")
        }
        let bytes = [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PipelineError("\(tool) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return bytes
    }

    /// The RGB bytes ffmpeg decodes from the PNG at `url`.
    static func ffmpegPixels(_ url: URL) throws -> [UInt8] {
        try output(of: "ffmpeg", ["-v", "error", "-i", url.path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    }

    /// A deterministic pattern with every byte value and no two neighbouring rows alike.
    static func pattern(width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height, pixels: (0..<width * height * 3).map {
            UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7)
        })
    }

    static func solid(_ color: RGBColor, width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8]()
        for _ in 0..<width * height { pixels += [color.red, color.green, color.blue] }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func temporaryFile(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("image-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }
}
