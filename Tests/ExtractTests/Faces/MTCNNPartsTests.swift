import Testing
import Shared
@testable import Extract

/// MTCNN's pieces on cases small enough to check by hand.
@Suite struct MTCNNPartsTests {
    /// The textbook average of each adaptive window, in double, normalised.
    static func naiveArea(_ image: RGBImage, region: PixelRegion, width: Int, height: Int) -> [Float] {
        var out: [Float] = []
        for oy in 0..<height {
            let y0 = Int((Double(oy * region.height) / Double(height)).rounded(.down))
            let y1 = Int((Double((oy + 1) * region.height) / Double(height)).rounded(.up))
            for ox in 0..<width {
                let x0 = Int((Double(ox * region.width) / Double(width)).rounded(.down))
                let x1 = Int((Double((ox + 1) * region.width) / Double(width)).rounded(.up))
                for c in 0..<3 {
                    var sum = 0.0
                    for y in y0..<y1 {
                        for x in x0..<x1 { sum += Double(image.pixels[((region.y + y) * image.width + region.x + x) * 3 + c]) }
                    }
                    out.append(Float((sum / Double((y1 - y0) * (x1 - x0)) - 127.5) / 128))
                }
            }
        }
        return out
    }

    @Test(arguments: [(9, 7, 4, 3), (9, 7, 9, 7), (9, 7, 13, 11), (9, 7, 2, 5)])
    func areaResamplingAveragesAdaptiveWindows(_ sizes: (Int, Int, Int, Int)) {
        let (imageWidth, imageHeight, width, height) = sizes
        let image = RGBImage(width: imageWidth, height: imageHeight,
                             pixels: (0..<imageWidth * imageHeight * 3).map { UInt8(($0 * 37) % 256) })
        for region in [PixelRegion(x: 0, y: 0, width: imageWidth, height: imageHeight),
                       PixelRegion(x: 2, y: 1, width: 5, height: 6)] {
            var out = [Float](repeating: .nan, count: width * height * 3)
            out.withUnsafeMutableBufferPointer {
                AreaResampling.resample(image, region: region, outputWidth: width, outputHeight: height, into: $0.baseAddress!)
            }
            #expect(maxAbsoluteDifference(out, Self.naiveArea(image, region: region, width: width, height: height)) < 1e-6)
        }
    }

    @Test func areaResamplingOfTwoByTwoBlocksIsTheirMean() {
        // 4 x 2 image, red channel 0, 10, 20, 30 / 40, 50, 60, 70 -> 2 x 1: (0+10+40+50)/4, (20+30+60+70)/4.
        let reds: [UInt8] = [0, 10, 20, 30, 40, 50, 60, 70]
        let image = RGBImage(width: 4, height: 2, pixels: reds.flatMap { [$0, 128, 255] })
        let map = AreaResampling.resample(image, width: 2, height: 1)
        let expected: [Float] = [-102.5 / 128, 0.5 / 128, 127.5 / 128, -82.5 / 128, 0.5 / 128, 127.5 / 128]
        #expect(map.data == expected)
    }

    static func box(_ x1: Float, _ y1: Float, _ x2: Float, _ y2: Float, _ score: Float) -> CandidateBox {
        CandidateBox(x1: x1, y1: y1, x2: x2, y2: y2, score: score, regression: .zero)
    }

    @Test func unionSuppressionKeepsTheBestOfEachOverlappingGroup() {
        // a and b overlap with IoU 81/119 = 0.68; c is apart; d equals a with the same score (ties: input order).
        let a = Self.box(0, 0, 10, 10, 0.9), b = Self.box(1, 1, 11, 11, 0.95), c = Self.box(20, 20, 30, 30, 0.5)
        let d = Self.box(0, 0, 10, 10, 0.9)
        #expect(NonMaximumSuppression.union([a, b, c], threshold: 0.7) == [b, a, c])
        #expect(NonMaximumSuppression.union([a, b, c], threshold: 0.5) == [b, c])
        #expect(NonMaximumSuppression.union([c, a, d], threshold: 0.5) == [a, c])
        #expect(NonMaximumSuppression.union([], threshold: 0.5).isEmpty)
    }

    @Test func minimumSuppressionMeasuresOverlapOfTheSmallerBox() {
        // A small box inside a large one: IoU is tiny but the overlap of the smaller (pixel-inclusive) is 1.
        let large = Self.box(0, 0, 99, 99, 0.99), small = Self.box(10, 10, 19, 19, 0.98)
        let apart = Self.box(200, 200, 219, 219, 0.97)
        #expect(NonMaximumSuppression.union([large, small, apart], threshold: 0.7).count == 3)
        #expect(NonMaximumSuppression.minimum([large, small, apart], threshold: 0.7) == [large, apart])
        // Half of the smaller box covered (5 of 10 columns, inclusive): kept at 0.7, dropped at 0.4.
        let half = Self.box(95, 0, 104, 99, 0.5)
        #expect(NonMaximumSuppression.minimum([large, half], threshold: 0.7).count == 2)
        #expect(NonMaximumSuppression.minimum([large, half], threshold: 0.4) == [large])
    }

    @Test func boxArithmeticFollowsFacenet() {
        // generateBoundingBox at scale 0.5: cell (3, 1) -> floor((6 + 1) / 0.5) = 14, floor((2 + 1) / 0.5) = 6, ...
        let window = CandidateBox.window(column: 3, row: 1, scale: 0.5, score: 0.8, regression: SIMD4(0.1, 0, -0.1, 0.2))
        #expect([window.x1, window.y1, window.x2, window.y2] == [14, 6, 36, 28])
        // Stage one: width 22 (no +1): 14 + 2.2, 36 - 2.2, 28 + 4.4.
        let moved = window.regressedByWindow()
        #expect(abs(moved.x1 - 16.2) < 1e-5 && abs(moved.x2 - 33.8) < 1e-5 && abs(moved.y2 - 32.4) < 1e-5)
        // bbreg: width 23 (+1).
        let bbreg = window.regressed(by: SIMD4(1, 0, 0, 0))
        #expect(bbreg.x1 == 37)
        // rerec: 10 x 20 box -> 20 x 20 around the same centre.
        let square = Self.box(10, 0, 20, 20, 1).squared()
        #expect([square.x1, square.y1, square.x2, square.y2] == [5, 0, 25, 20])
        // pad: truncated (toward zero), x and y at least 1, ex / ey at most the image; region rows y-1 ..< ey.
        #expect(Self.box(-3.7, 2.9, 12.2, 50.5, 1).cropRegion(imageWidth: 40, imageHeight: 30)
                == PixelRegion(x: 0, y: 1, width: 12, height: 29))
        #expect(Self.box(45, 5, 60, 10, 1).cropRegion(imageWidth: 40, imageHeight: 30) == nil)
        #expect(Self.box(.nan, 5, 60, 10, 1).cropRegion(imageWidth: 40, imageHeight: 30) == nil)
    }

    @Test func pnetMapSizeAndPyramid() {
        // 12 pixels -> one cell; conv 3x3, pool 2x2 ceil, conv 3x3, conv 3x3.
        #expect(PNet.outputSize(12) == 1)
        #expect(PNet.outputSize(13) == 2)   // 11 -> pool 6 -> 4 -> 2
        #expect(PNet.outputSize(24) == 7)
        // facenet: m = 12 / 20, scales while min side * scale >= 12.
        let scales = MTCNN.pyramidScales(width: 100, height: 40, settings: MTCNNSettings())
        // short side 40: 24, 17.0, 12.06 reach 12; 8.55 does not.
        #expect(scales == [0.6, 0.6 * 0.709, 0.6 * 0.709 * 0.709])
        #expect(MTCNN.pyramidScales(width: 19, height: 300, settings: MTCNNSettings()).isEmpty)
    }
}
