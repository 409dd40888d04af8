import Shared
import Testing
@testable import Extract

@Suite struct RotationTests {
    /// 3 wide x 2 high, pixel value = 10 * row + column in every channel:
    ///   0  1  2
    ///  10 11 12
    private func sample() -> RGBImage {
        var pixels: [UInt8] = []
        for row in 0..<2 { for column in 0..<3 { let v = UInt8(10 * row + column); pixels += [v, v, v] } }
        return RGBImage(width: 3, height: 2, pixels: pixels)
    }

    private func values(_ image: RGBImage) -> [UInt8] { stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] } }

    @Test func quarterTurnsMoveCornersClockwise() {
        let clockwise = DisplayRotation(clockwiseQuarterTurns: 1).apply(to: sample())
        #expect(clockwise.width == 2 && clockwise.height == 3)
        #expect(values(clockwise) == [10, 0, 11, 1, 12, 2])
        let half = DisplayRotation(clockwiseQuarterTurns: 2).apply(to: sample())
        #expect(half.width == 3 && half.height == 2)
        #expect(values(half) == [12, 11, 10, 2, 1, 0])
        let counter = DisplayRotation(clockwiseQuarterTurns: 3).apply(to: sample())
        #expect(counter.width == 2 && counter.height == 3)
        #expect(values(counter) == [2, 12, 1, 11, 0, 10])
        #expect(DisplayRotation(clockwiseQuarterTurns: 0).apply(to: sample()) == sample())
    }

    /// av_display_rotation_get reports counter-clockwise degrees; upright needs the opposite turn.
    @Test func displayMatrixDegreesMapToClockwiseTurns() {
        #expect(DisplayRotation(displayMatrixDegrees: -90).clockwiseQuarterTurns == 1)
        #expect(DisplayRotation(displayMatrixDegrees: 90).clockwiseQuarterTurns == 3)
        #expect(DisplayRotation(displayMatrixDegrees: 180).clockwiseQuarterTurns == 2)
        #expect(DisplayRotation(displayMatrixDegrees: -180).clockwiseQuarterTurns == 2)
        #expect(DisplayRotation(displayMatrixDegrees: 0).clockwiseQuarterTurns == 0)
        #expect(DisplayRotation(displayMatrixDegrees: -89.6).clockwiseQuarterTurns == 1)
    }
}
