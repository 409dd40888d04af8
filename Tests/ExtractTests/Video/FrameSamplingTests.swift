import Foundation
import Testing
@testable import Extract

@Suite struct FrameSamplingTests {
    struct LinspaceCase: Decodable { let total: Int; let count: Int; let indices: [Int] }

    /// Reference: numpy's linspace(...).astype(int), written by scripts/reference/linspace_indices.py.
    @Test func uniformIndicesEqualNumpyLinspaceTruncated() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/linspace_indices.json")
        let cases = try JSONDecoder().decode([LinspaceCase].self, from: Data(contentsOf: fixture))
        #expect(cases.count > 100)
        for c in cases {
            #expect(uniformFrameIndices(totalFrames: c.total, count: c.count) == c.indices,
                    "total \(c.total) count \(c.count)")
        }
    }

    @Test func uniformIndicesCoverTheWholeVideo() {
        let indices = uniformFrameIndices(totalFrames: 270, count: 32)
        #expect(indices.first == 0)
        #expect(indices.last == 269)
        #expect(Set(indices).count == 32)
        #expect(uniformFrameIndices(totalFrames: 0, count: 5) == [])
        #expect(uniformFrameIndices(totalFrames: 5, count: 0) == [])
        #expect(uniformFrameIndices(totalFrames: 9, count: 1) == [0])
    }

    @Test func shortVideoTakesEveryFrameThenPads() {
        let plan = FrameSlotPlan(totalFrames: 5, slotCount: 8)
        #expect(plan.slotFrameIndices == [0, 1, 2, 3, 4, -1, -1, -1])
        #expect(plan.targetFrames == [0, 1, 2, 3, 4])
        let exact = FrameSlotPlan(totalFrames: 8, slotCount: 8)
        #expect(exact.slotFrameIndices == Array(0..<8))
        let long = FrameSlotPlan(totalFrames: 100, slotCount: 4)
        #expect(long.slotFrameIndices == [0, 33, 66, 99])
    }
}
