import Foundation
import Testing
import Shared
@testable import Extract

/// Reports MTCNN frames per second on the 1280 x 720 fixture frame (two faces), one frame per call, after a
/// warm-up: best and median of 7. The machine is shared, so nothing is asserted about speed.
@Suite(.serialized) struct MTCNNThroughput {
    @Test func framesPerSecondAt720p() throws {
        let detector = try MTCNNTestAssets.detector()
        let image = try MTCNNTestAssets.image(MTCNNTestAssets.fixture("frame-720p"))
        _ = detector.detect([image])
        let clock = ContinuousClock()
        let seconds = (0..<7).map { _ in
            let elapsed = clock.measure { _ = detector.detect([image]) }
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }.sorted()
        var proposals: [CandidateBox] = [], refined: [CandidateBox] = []
        let stageOne = clock.measure { proposals = detector.proposals(in: image) }
        let stageTwo = clock.measure { refined = detector.refine(proposals, in: image) }
        let stageThree = clock.measure { _ = detector.finalFaces(refined, in: image) }
        var crops = FeatureMap(batch: 0, height: 24, width: 24, channels: 3, data: [])
        let cropTime = clock.measure { crops = MTCNN.crops(of: proposals, in: image, size: 24).0 }
        let rnetTime = clock.measure { _ = detector.rnet(crops) }
        var levels: [FeatureMap] = []
        let pyramid = MTCNN.pyramidScales(width: image.width, height: image.height, settings: detector.settings)
        let levelTime = clock.measure {
            levels = pyramid.map { AreaResampling.resample(image, width: Int(Double(image.width) * $0 + 1),
                                                           height: Int(Double(image.height) * $0 + 1)) }
        }
        let pnetTime = clock.measure { for level in levels { _ = detector.pnet(level) } }
        print("MTCNN parts: pyramid \(levelTime), P-Net \(pnetTime), R-Net crops \(cropTime), R-Net \(rnetTime)")
        let stages = "stages \(stageOne), \(stageTwo) (\(proposals.count) crops), \(stageThree) (\(refined.count) crops)"
        print("MTCNN 1280x720: \(String(format: "%.2f", 1 / seconds[0])) frames/s best, "
              + "\(String(format: "%.2f", 1 / seconds[3])) median, \(CoreBudget.current) threads; stage one \(stages)")
        #expect(seconds[0] > 0)
    }
}
