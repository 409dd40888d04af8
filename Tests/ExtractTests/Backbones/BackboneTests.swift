import Foundation
import Testing
import Shared
@testable import Extract

/// End-to-end checks of both backbones on real photos and real weights (run in release: `swift test -c release`).
@Suite(.serialized) struct BackboneTests {
    /// Photos whose ImageNet top-1 both nets agree on, checked by eye and by the numpy reference.
    static let labelledPhotos = [
        ("squirrel_cls.jpg", "fox squirrel"), ("orange.jpg", "orange"), ("baboon.jpg", "baboon"),
        ("messi5.jpg", "soccer ball"), ("fruits.jpg", "lemon"),
    ]

    @Test(arguments: BackboneKind.allCases)
    func classifiesRealPhotos(_ kind: BackboneKind) throws {
        let backbone = try BackboneTestAssets.loadBackbone(kind)
        let names = try BackboneTestAssets.classNames()
        let images = try Self.labelledPhotos.map { try BackboneTestAssets.photo($0.0) }
        let logits = backbone.classify(images)
        #expect(logits.shape == [images.count, 1000])
        for (row, (photo, label)) in Self.labelledPhotos.enumerated() {
            let scores = logits.data[(row * 1000)..<((row + 1) * 1000)]
            let top = scores.indices.max { scores[$0] < scores[$1] }! - row * 1000
            #expect(names[top] == label, "\(kind.rawValue) calls \(photo) '\(names[top])', expected '\(label)'")
        }
    }

    /// Against scripts/reference/backbone_reference.py (float64 numpy, unfolded batch norm). The error is
    /// measured relative to the reference embedding's largest magnitude: max|swift - numpy| / max|numpy| <= 1e-4.
    @Test(arguments: BackboneKind.allCases)
    func embeddingMatchesNumpyReference(_ kind: BackboneKind) throws {
        let backbone = try BackboneTestAssets.loadBackbone(kind)
        let reference = try BackboneTestAssets.float32Fixture("\(kind.rawValue)_squirrel_embedding.f32")
        let top5 = try BackboneTestAssets.float32Fixture("\(kind.rawValue)_squirrel_top5.f32")
        let squirrel = try BackboneTestAssets.photo("squirrel_cls.jpg")

        let embedding = backbone.embed([squirrel])
        #expect(embedding.shape == [1, kind.embeddingDimension])
        let scale = reference.map(abs).max()!
        let relativeError = zip(embedding.data, reference).map { abs($0 - $1) }.max()! / scale
        print("\(kind.rawValue): embedding max relative error vs numpy \(relativeError)")
        #expect(relativeError <= 1e-4, "\(kind.rawValue): embedding relative error \(relativeError)")

        let logits = backbone.classify([squirrel]).data
        let swiftTop5 = logits.indices.sorted { logits[$0] > logits[$1] }.prefix(5)
        #expect(Array(swiftTop5) == top5[0..<5].map { Int($0) })
        for (index, expected) in zip(top5[0..<5], top5[5..<10]) {
            #expect(abs(logits[Int(index)] - expected) <= 1e-3 * max(1, abs(expected)))
        }
    }

    /// Batching and chunking must not change any frame's embedding, not by a bit (20 frames cross a 16-frame
    /// chunk; one frame alone splits its rows over the cores, a batch spreads frames over them).
    @Test(arguments: BackboneKind.allCases)
    func embeddingDoesNotDependOnBatch(_ kind: BackboneKind) throws {
        let backbone = try BackboneTestAssets.loadBackbone(kind)
        let photos = try ["squirrel_cls.jpg", "orange.jpg", "baboon.jpg"].map { try BackboneTestAssets.photo($0) }
        let frames = (0..<20).map { photos[$0 % 3] }
        let batched = backbone.embed(frames)
        let dimension = kind.embeddingDimension
        for (index, photo) in photos.enumerated() {
            let alone = backbone.embed([photo]).data
            for row in stride(from: index, to: frames.count, by: 3) {
                let slice = Array(batched.data[(row * dimension)..<((row + 1) * dimension)])
                #expect(slice == alone, "frame \(row): max difference \(maxAbsoluteDifference(slice, alone))")
            }
        }
        #expect(backbone.embed([]).shape == [0, dimension])
        #expect(backbone.classify([]).shape == [0, 1000])
    }

    @Test func registryDescribesBothNets() throws {
        #expect(BackboneKind(rawValue: "mobilenetv2") == .mobilenetV2)
        #expect(BackboneKind(rawValue: "efficientnet-lite0") == .efficientNetLite0)
        #expect(BackboneKind(rawValue: "efficientnet-b0") == .efficientNetB0)
        #expect(BackboneKind(rawValue: "efficientnet-b3") == .efficientNetB3)
        for kind in BackboneKind.allCases {
            // EfficientNet-B3 is the one net scaled past B0's resolution and width.
            let (size, dimension) = kind == .efficientNetB3 ? (300, 1536) : (224, 1280)
            #expect(kind.inputSize == size && kind.embeddingDimension == dimension)
            for checkpoint in kind.spec.checkpoints {
                // Published file names carry the leading digits of their SHA-256 (torch.hub's convention).
                let prefix = String(checkpoint.fileName.split(separator: "-").last!.prefix(8))
                switch checkpoint.digest {
                case .sha256(let full): #expect(full.count == 64 && full.hasPrefix(prefix))
                case .sha256Prefix(let published): #expect(prefix.hasPrefix(published))
                }
            }
        }
        // A checkpoint for the wrong net is refused with the file named.
        #expect(throws: BackboneWeightError.self) {
            _ = try BackboneKind.mobilenetV2.make(weights: ["_conv_stem.weight": Tensor(zeros: [32, 3, 3, 3])],
                                                  source: "lite.pth")
        }
    }
}
