import Foundation
import Testing
import Shared
@testable import Extract

/// The Swift MTCNN against facenet-pytorch 2.6.0 itself on real photos and on raw network outputs.
@Suite struct MTCNNTests {
    /// Landmarks may differ by this many pixels (measured: 1.2e-4): they hang off boxes that agree to rounding,
    /// and a P-Net window floored one pixel apart would move them by less than this.
    static let landmarkTolerance: Float = 1

    @Test(arguments: MTCNNTestAssets.imageNames)
    func findsTheFacesFacenetFinds(_ name: String) throws {
        let fixture = try MTCNNTestAssets.fixture(name)
        let image = try MTCNNTestAssets.image(fixture)
        let faces = try MTCNNTestAssets.detector().detect([image])[0]
        #expect(faces.count == fixture.faces.count, "\(name): \(faces.count) faces, facenet-pytorch \(fixture.faces.count)")
        #expect(faces.map(\.probability) == faces.map(\.probability).sorted(by: >), "most probable first")
        for reference in fixture.faces {
            let box = FaceBox(x1: reference.box[0], y1: reference.box[1], x2: reference.box[2], y2: reference.box[3])
            let match = faces.max { $0.box.intersectionOverUnion(box) < $1.box.intersectionOverUnion(box) }
            guard let match else { continue }
            let iou = match.box.intersectionOverUnion(box)
            #expect(iou >= 0.95, "\(name): best IoU \(iou) with \(box), found \(match.box)")
            #expect(abs(match.probability - reference.probability) <= 1e-3,
                    "\(name): probability \(match.probability), facenet-pytorch \(reference.probability)")
            var landmarkError: Float = 0
            for (point, expected) in zip(match.landmarks, reference.landmarks) {
                landmarkError = max(landmarkError, abs(point.x - expected[0]), abs(point.y - expected[1]))
                #expect(abs(point.x - expected[0]) <= Self.landmarkTolerance
                        && abs(point.y - expected[1]) <= Self.landmarkTolerance,
                        "\(name): landmark \(point), facenet-pytorch \(expected)")
            }
            print("MTCNN \(name): IoU \(iou), probability difference \(abs(match.probability - reference.probability)), "
                  + "landmarks within \(landmarkError) px")
        }
    }

    @Test func detectsABatchAsItDetectsEachImage() throws {
        let detector = try MTCNNTestAssets.detector()
        let images = try ["astronaut", "messi5-downscaled", "fruits-no-face"].map {
            try MTCNNTestAssets.image(MTCNNTestAssets.fixture($0))
        }
        #expect(detector.detect(images) == images.map { detector.detect([$0])[0] })
    }

    @Test func aMissingWeightFileNamesItselfAndTheFix() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("mtcnn-missing-\(getpid())")
        #expect {
            _ = try MTCNN.load(modelsDirectory: empty)
        } throws: { error in
            "\(error)".contains(MTCNNNetwork.pnet.weightFileName) && "\(error)".contains("make setup")
        }
    }

    @Test func settingsDescribeThemselves() {
        #expect(MTCNNSettings().description == "mtcnn facenet-pytorch-2.6.0 min-face 20 factor 0.709 thresholds 0.6,0.7,0.7")
        #expect(MTCNN.weightSHA256s.count == 3)
    }

    // MARK: raw networks

    struct NetworkFixture: Decodable {
        struct Outputs: Decodable {
            let input: [Int]
            let regression: [Float]
            let probability: [Float]
            let landmarks: [Float]?
        }
        let pnet: Outputs
        let rnet: Outputs
        let onet: Outputs
    }

    /// The reference script's deterministic input: NHWC element i is ((i * 7919) % 256 - 127.5) / 128.
    static func deterministicInput(batch: Int, height: Int, width: Int) -> FeatureMap {
        let count = batch * height * width * 3
        return FeatureMap(batch: batch, height: height, width: width, channels: 3,
                          data: (0..<count).map { Float((Double((($0 * 7919) % 256)) - 127.5) / 128) })
    }

    static func networks() throws -> (MTCNN, NetworkFixture) {
        let data = try Data(contentsOf: MTCNNTestAssets.fixtureURL("networks"))
        return (try MTCNNTestAssets.detector(), try JSONDecoder().decode(NetworkFixture.self, from: data))
    }

    /// Largest difference relative to max(1e-2, |expected|) over every value.
    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
        precondition(actual.count == expected.count, "\(actual.count) values, expected \(expected.count)")
        return zip(actual, expected).map { abs($0 - $1) / max(1e-2, abs($1)) }.max() ?? 0
    }

    @Test func pnetMatchesFacenet() throws {
        let (mtcnn, fixture) = try Self.networks()
        let input = fixture.pnet.input
        let map = mtcnn.pnet(Self.deterministicInput(batch: input[0], height: input[1], width: input[2]))
        #expect(map.height == PNet.outputSize(input[1]) && map.width == PNet.outputSize(input[2]))
        // torch's [1, C, H, W] order from our [1, H, W, 6].
        let cells = map.height * map.width
        let channel = { (c: Int) in (0..<cells).map { map.data[$0 * 6 + c] } }
        #expect(Self.relativeError(channel(0) + channel(1), fixture.pnet.probability) < 1e-4)
        #expect(Self.relativeError((2..<6).flatMap(channel), fixture.pnet.regression) < 1e-4)
    }

    @Test func rnetMatchesFacenet() throws {
        let (mtcnn, fixture) = try Self.networks()
        let output = mtcnn.rnet(Self.deterministicInput(batch: 2, height: 24, width: 24))
        let rows = (0..<2).map { Array(output.data[$0 * 6..<$0 * 6 + 6]) }
        #expect(Self.relativeError(rows.flatMap { $0[0..<2] }, fixture.rnet.probability) < 1e-4)
        #expect(Self.relativeError(rows.flatMap { $0[2..<6] }, fixture.rnet.regression) < 1e-4)
    }

    @Test func onetMatchesFacenet() throws {
        let (mtcnn, fixture) = try Self.networks()
        let output = mtcnn.onet(Self.deterministicInput(batch: 2, height: 48, width: 48))
        let rows = (0..<2).map { Array(output.data[$0 * 16..<$0 * 16 + 16]) }
        #expect(Self.relativeError(rows.flatMap { $0[0..<2] }, fixture.onet.probability) < 1e-4)
        #expect(Self.relativeError(rows.flatMap { $0[2..<6] }, fixture.onet.regression) < 1e-4)
        #expect(Self.relativeError(rows.flatMap { $0[6..<16] }, fixture.onet.landmarks ?? []) < 1e-4)
    }
}
