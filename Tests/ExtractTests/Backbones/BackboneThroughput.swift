import Foundation
import Testing
import Shared
@testable import Extract

/// Reports frames per second at batch 16 (warm-up, then best and median of 3 timed batches); the machine is
/// shared, so nothing is asserted about speed.
@Suite(.serialized) struct BackboneThroughput {
    @Test(arguments: BackboneKind.allCases)
    func framesPerSecondAtBatch16(_ kind: BackboneKind) throws {
        let backbone = try BackboneTestAssets.loadBackbone(kind)
        let photo = try BackboneTestAssets.photo("squirrel_cls.jpg")
        let batch = [RGBImage](repeating: photo, count: 16)
        _ = backbone.embed(batch)
        let clock = ContinuousClock()
        let seconds = (0..<3).map { _ in
            let elapsed = clock.measure { _ = backbone.embed(batch) }
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }.sorted()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("\(kind.rawValue): \(String(format: "%.1f", 16 / seconds[0])) frames/s best, "
              + "\(String(format: "%.1f", 16 / seconds[1])) median, batch 16, \(cores) cores")
        #expect(seconds[0] > 0)
    }
}
