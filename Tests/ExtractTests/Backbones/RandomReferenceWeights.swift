import Foundation
import Shared
@testable import Extract

/// A `<backbone>.reference.json` manifest written by scripts/reference/backbone_random_reference.py: how to
/// regenerate the random state dict the owners' code (torchvision, timm) embedded the photos with.
struct RandomReferenceManifest: Decodable {
    struct TensorRecord: Decodable {
        let name: String
        let shape: [Int]
        let offset: Double
        let scale: Double
    }

    /// One value the Python side printed: tensor name, flat row-major index, value (a float32 as a double).
    struct Sample: Decodable {
        let tensor: String
        let index: Int
        let value: Float

        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            tensor = try container.decode(String.self)
            index = try container.decode(Int.self)
            value = Float(try container.decode(Double.self))
        }
    }

    let backbone: String
    let owner: String
    let seed: UInt64
    let inputSize: Int
    let photos: [String]
    let embeddingDimension: Int
    let notes: String
    let samples: [Sample]
    let tensors: [TensorRecord]

    enum CodingKeys: String, CodingKey {
        case backbone, owner, seed, photos, notes, samples, tensors
        case inputSize = "input_size"
        case embeddingDimension = "embedding_dimension"
    }

    static func fixtureURL(_ kind: BackboneKind) -> URL {
        BackboneTestAssets.fixture("backbones/\(kind.rawValue).reference.json")
    }

    static func load(_ kind: BackboneKind) throws -> RandomReferenceManifest {
        try load(fixtureURL(kind))
    }

    static func load(_ url: URL) throws -> RandomReferenceManifest {
        try JSONDecoder().decode(RandomReferenceManifest.self, from: Data(contentsOf: url))
    }

    /// Every manifest in Fixtures/backbones, also those of backbones not registered yet.
    static func allFixtureNames() -> [String] {
        let directory = BackboneTestAssets.fixture("backbones")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".reference.json") }.sorted()
    }

    /// The torch embeddings beside the manifest: [photos.count, embeddingDimension] row-major.
    func referenceEmbeddings() throws -> [Float] {
        try BackboneTestAssets.float32Fixture("backbones/\(backbone).embeddings.f32")
    }
}

/// Regenerates a manifest's state dict with the same rule as the Python script, so the published weights
/// are not needed: one SplitMix64(seed) stream, tensors in manifest order, elements row-major,
/// u = (next() >> 40) / 2^24 (exact), value = Float(offset + scale * (2u - 1)) computed in Double.
enum RandomReferenceWeights {
    static func stateDict(_ manifest: RandomReferenceManifest) -> [String: Tensor] {
        var generator = SplitMix64(seed: manifest.seed)
        var tensors: [String: Tensor] = [:]
        for record in manifest.tensors {
            let count = record.shape.reduce(1, *)
            var data = [Float](repeating: 0, count: count)
            for index in 0..<count {
                data[index] = value(generator.next(), offset: record.offset, scale: record.scale)
            }
            tensors[record.name] = Tensor(shape: record.shape, data: data)
        }
        return tensors
    }

    /// One draw; kept as separate Double operations (no fused multiply-add) to round like Python does.
    @inline(__always)
    static func value(_ raw: UInt64, offset: Double, scale: Double) -> Float {
        let u = Double(raw >> 40) / 16_777_216
        let product = scale * (2 * u - 1)
        return Float(offset + product)
    }
}
