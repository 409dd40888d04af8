import Testing
@testable import Shared

@Suite struct ImageResizingTests {
    @Test func shrinkingAveragesTheCoveredPixels() {
        let checker = RGBImage(width: 2, height: 2, pixels: [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0])
        #expect(checker.resized(width: 1, height: 1).pixels == [128, 128, 128])
    }

    @Test func enlargingRepeatsPixels() {
        let two = RGBImage(width: 2, height: 1, pixels: [10, 20, 30, 40, 50, 60])
        #expect(two.resized(width: 4, height: 2).pixels == [10, 20, 30, 10, 20, 30, 40, 50, 60, 40, 50, 60,
                                                            10, 20, 30, 10, 20, 30, 40, 50, 60, 40, 50, 60])
    }

    @Test func fittingKeepsTheAspectRatioAndLeavesAFittingImageAlone() {
        let wide = ImageTestTools.pattern(width: 200, height: 100).fitted(into: 96)
        #expect((wide.width, wide.height) == (96, 48))
        let tall = ImageTestTools.pattern(width: 30, height: 300).fitted(into: 96)
        #expect((tall.width, tall.height) == (10, 96))
        let exact = ImageTestTools.pattern(width: 96, height: 40)
        #expect(exact.fitted(into: 96) == exact)
        let empty = RGBImage(width: 0, height: 0, pixels: [])
        #expect(empty.fitted(into: 96) == empty)
    }
}
