import Foundation
import Shared
@testable import Extract

/// facenet-pytorch's detections on real photos (Tests/ExtractTests/Fixtures/mtcnn/, written by
/// scripts/reference/mtcnn_reference.py) and the photos rebuilt byte for byte as that script made them.
/// The scikit-image photos live in models/test-media/ (`make setup` fetches them), the others come with
/// Debian's opencv-doc.
enum MTCNNTestAssets {
    struct Part: Decodable {
        let directory: String
        let file: String
        let filter: String?
    }

    struct Face: Decodable {
        let box: [Float]
        let probability: Float
        let landmarks: [[Float]]
    }

    struct ImageFixture: Decodable {
        let name: String
        let parts: [Part]
        let width: Int
        let height: Int
        let rgb_sha256: String
        let faces: [Face]
    }

    static let imageNames = ["astronaut", "camera", "messi5", "astronaut-pair", "messi5-downscaled",
                             "astronaut-small", "frame-720p", "fruits-no-face", "building-no-face"]

    static var modelsDirectory: URL { PackagePaths.root.appendingPathComponent("models") }

    static func fixtureURL(_ name: String) -> URL {
        PackagePaths.root.appendingPathComponent("Tests/ExtractTests/Fixtures/mtcnn/\(name).json")
    }

    static func fixture(_ name: String) throws -> ImageFixture {
        try JSONDecoder().decode(ImageFixture.self, from: Data(contentsOf: fixtureURL(name)))
    }

    static func detector() throws -> MTCNN {
        try MTCNN.load(modelsDirectory: modelsDirectory)
    }

    static func directory(_ name: String) throws -> URL {
        switch name {
        case "test-media": return modelsDirectory.appendingPathComponent("test-media")
        case "opencv-doc": return URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")
        default: throw PipelineError("fixture names an unknown photo directory \(name)")
        }
    }

    /// The fixture's image: each part decoded by the ffmpeg CLI to rgb24 (the script's very command), the
    /// parts side by side; checked against the SHA-256 of the RGB bytes the script saw.
    static func image(_ fixture: ImageFixture) throws -> RGBImage {
        var parts: [(width: Int, pixels: [UInt8])] = []
        for part in fixture.parts {
            let path = try directory(part.directory).appendingPathComponent(part.file).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw PipelineError("\(path) is missing: run `make setup` (test photos and opencv-doc)")
            }
            let pixels = try decode(path, filter: part.filter)
            parts.append((pixels.count / 3 / fixture.height, pixels))
        }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(fixture.width * fixture.height * 3)
        for row in 0..<fixture.height {
            for part in parts { pixels += part.pixels[row * part.width * 3..<(row + 1) * part.width * 3] }
        }
        guard pixels.count == fixture.width * fixture.height * 3 else {
            throw PipelineError("\(fixture.name): rebuilt \(pixels.count) bytes, expected \(fixture.width)x\(fixture.height)")
        }
        var hasher = SHA256()
        hasher.update(pixels)
        let digest = hasher.finalize()
        guard digest == fixture.rgb_sha256 else {
            throw PipelineError("\(fixture.name): rebuilt pixels have SHA-256 \(digest), the fixture's \(fixture.rgb_sha256); "
                + "ffmpeg decodes differently here - regenerate with scripts/reference/mtcnn_reference.py")
        }
        return RGBImage(width: fixture.width, height: fixture.height, pixels: pixels)
    }

    /// ffmpeg -v error -i PATH [-vf FILTER] -pix_fmt rgb24 -f rawvideo -
    static func decode(_ path: String, filter: String?) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-v", "error", "-i", path] + (filter.map { ["-vf", $0] } ?? [])
            + ["-pix_fmt", "rgb24", "-f", "rawvideo", "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.runFenced()
        let bytes = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, !bytes.isEmpty else {
            throw PipelineError("ffmpeg could not decode \(path) (status \(process.terminationStatus))")
        }
        return [UInt8](bytes)
    }
}
