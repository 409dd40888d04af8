import Extract
import Foundation
import Shared

/// The embedding of one raw RGB24 image at the backbone's input size, so bench/build_onnx.py can check that ONNX Runtime
/// computes the same function as our backbone (the comparison is only fair if it does).
struct EmbeddingCheck {
    let kind: BackboneKind
    let modelsDirectory: URL
    let weights: URL?
    let rawImage: URL

    struct Result: Encodable {
        let backbone: String
        let embedding: [Float]
    }

    func run() throws -> Result {
        let size = kind.inputSize
        let bytes = [UInt8](try Data(contentsOf: rawImage))
        guard bytes.count == size * size * 3 else {
            throw BenchUsageError(problem: "\(rawImage.path) holds \(bytes.count) bytes; expected \(size)x\(size) RGB24")
        }
        let backbone = try BackboneLoader.load(kind, modelsDirectory: modelsDirectory, weights: weights)
        let embedding = backbone.embed([RGBImage(width: size, height: size, pixels: bytes)])
        return Result(backbone: kind.rawValue, embedding: embedding.data)
    }
}
