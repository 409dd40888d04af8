import Foundation
import Testing
import Shared
@testable import Extract

/// Reports frames per second for batches of 16 (one timed run after a warm-up); asserts only sanity.
@Suite(.serialized) struct BackboneThroughput {
    @Test(arguments: BackboneKind.allCases)
    func framesPerSecondAtBatch16(_ kind: BackboneKind) throws {
        let backbone = try BackboneTestAssets.loadBackbone(kind)
        let photo = try BackboneTestAssets.photo("squirrel_cls.jpg")
        let batch = [RGBImage](repeating: photo, count: 16)
        _ = backbone.embed(batch)
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = backbone.embed(batch) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("\(kind.rawValue): \(String(format: "%.1f", 16 / seconds)) frames/s at batch 16")
        #expect(seconds > 0)
    }
}
