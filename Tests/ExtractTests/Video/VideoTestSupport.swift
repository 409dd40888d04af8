import Foundation
import Shared
import Testing

/// Media and ffmpeg/ffprobe CLI helpers for the video tests (the CLI is the independent reference decoder).
enum VideoTestSupport {
    static let opencvData = URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")

    /// A clip or photo shipped by the opencv-doc package.
    static func opencvMedia(_ name: String) throws -> URL {
        let url = opencvData.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TestSetupError("missing \(url.path): install the opencv-doc package (run `make setup`)")
        }
        return url
    }

    /// A fresh temporary directory for one test's generated clips.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("extract-video-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a tool from PATH; returns stdout, throws with stderr when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.runFenced() } catch {
            throw TestSetupError("cannot run \(tool): \(error); install ffmpeg (run `make setup`)")
        }
        // Read before waiting so a full pipe cannot block the tool.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError("\(tool) \(arguments.joined(separator: " ")) failed: \(errorText.suffix(2000))")
        }
        return data
    }

    /// Generates a clip with the ffmpeg CLI: `ffmpeg -y <arguments> <dir/name>`.
    static func makeClip(_ name: String, in directory: URL, _ arguments: [String]) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try run("ffmpeg", ["-v", "error", "-y"] + arguments + [url.path])
        return url
    }

    /// Decoded frame count as `ffprobe -count_frames` reports it.
    static func ffprobeFrameCount(_ url: URL) throws -> Int {
        let data = try run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                       "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", url.path])
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // MPEG-TS also prints the stream under its program: the first line is enough.
        let line = text.split(separator: "\n").first ?? ""
        guard let count = Int(line.split(separator: ",").first ?? "") else {
            throw TestSetupError("ffprobe gave no frame count for \(url.path): '\(text)'")
        }
        return count
    }

    /// The ffmpeg CLI's RGB24 decode of frames `indices` (decode order, autorotated) scaled to size x size
    /// with bilinear filtering, center-cropped first when asked.
    static func ffmpegFrames(_ url: URL, indices: [Int], size: Int, centerCrop: Bool = false) throws -> [RGBImage] {
        let distinct = Array(Set(indices)).sorted()
        let select = distinct.map { "eq(n\\,\($0))" }.joined(separator: "+")
        var filters = ["select='\(select)'"]
        if centerCrop { filters.append("crop=min(iw\\,ih):min(iw\\,ih)") }
        filters.append("scale=\(size):\(size):flags=bilinear")
        let data = try run("ffmpeg", ["-v", "error", "-i", url.path, "-vf", filters.joined(separator: ","),
                                      "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"])
        let frameBytes = size * size * 3
        guard data.count == frameBytes * distinct.count else {
            throw TestSetupError("ffmpeg returned \(data.count) bytes for \(distinct.count) frames of \(url.path)")
        }
        var byIndex: [Int: RGBImage] = [:]
        for (k, index) in distinct.enumerated() {
            let pixels = [UInt8](data[(k * frameBytes)..<((k + 1) * frameBytes)])
            byIndex[index] = RGBImage(width: size, height: size, pixels: pixels)
        }
        return indices.map { byIndex[$0]! }
    }

    /// Mean absolute difference in 8-bit levels over all channels.
    static func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.pixels.count == b.pixels.count)
        var total = 0
        for i in 0..<a.pixels.count { total += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(total) / Double(a.pixels.count)
    }

    /// Mean colour (R, G, B) of a rectangle, for checking where a test pattern ended up.
    static func meanColor(_ image: RGBImage, x: Range<Int>, y: Range<Int>) -> (Double, Double, Double) {
        var sums = (0, 0, 0)
        for row in y {
            for column in x {
                let i = (row * image.width + column) * 3
                sums.0 += Int(image.pixels[i]); sums.1 += Int(image.pixels[i + 1]); sums.2 += Int(image.pixels[i + 2])
            }
        }
        let n = Double(x.count * y.count)
        return (Double(sums.0) / n, Double(sums.1) / n, Double(sums.2) / n)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
