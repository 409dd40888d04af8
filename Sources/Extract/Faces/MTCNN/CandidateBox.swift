import Foundation

/// A face candidate between MTCNN's stages: a box in image pixels, the last stage's score and the box regression
/// that stage predicted. The arithmetic below is facenet-pytorch's (detect_face.py), float32 and in its order,
/// quirks included: stage one scales its regression by x2 - x1, bbreg by x2 - x1 + 1.
struct CandidateBox: Equatable {
    var x1: Float
    var y1: Float
    var x2: Float
    var y2: Float
    var score: Float
    /// (dx1, dy1, dx2, dy2) in box widths / heights.
    var regression: SIMD4<Float>

    /// The P-Net window at output cell (x, y) of the level at `scale`: generateBoundingBox with stride 2 and
    /// cell size 12, floored, in image pixels.
    static func window(column: Int, row: Int, scale: Double, score: Float, regression: SIMD4<Float>) -> CandidateBox {
        let scale = Float(scale)
        let (x, y) = (Float(2 * column), Float(2 * row))
        return CandidateBox(x1: ((x + 1) / scale).rounded(.down), y1: ((y + 1) / scale).rounded(.down),
                            x2: ((x + 12) / scale).rounded(.down), y2: ((y + 12) / scale).rounded(.down),
                            score: score, regression: regression)
    }

    /// Stage one's regression: offsets in units of x2 - x1 and y2 - y1 (no +1).
    func regressedByWindow() -> CandidateBox {
        let (width, height) = (x2 - x1, y2 - y1)
        var box = self
        box.x1 = x1 + regression[0] * width
        box.y1 = y1 + regression[1] * height
        box.x2 = x2 + regression[2] * width
        box.y2 = y2 + regression[3] * height
        return box
    }

    /// bbreg: offsets in units of x2 - x1 + 1 and y2 - y1 + 1.
    func regressed(by regression: SIMD4<Float>) -> CandidateBox {
        let (width, height) = (x2 - x1 + 1, y2 - y1 + 1)
        var box = self
        box.x1 = x1 + regression[0] * width
        box.y1 = y1 + regression[1] * height
        box.x2 = x2 + regression[2] * width
        box.y2 = y2 + regression[3] * height
        return box
    }

    /// rerec: the square of side max(width, height) around the same centre.
    func squared() -> CandidateBox {
        let (height, width) = (y2 - y1, x2 - x1)
        let side = max(width, height)
        var box = self
        box.x1 = x1 + width * 0.5 - side * 0.5
        box.y1 = y1 + height * 0.5 - side * 0.5
        box.x2 = box.x1 + side
        box.y2 = box.y1 + side
        return box
    }

    /// pad: the pixels a crop takes, rows y - 1 ..< ey and columns x - 1 ..< ex after truncating the box to
    /// integers and clamping x, y >= 1, ex <= width, ey <= height; nil when that leaves nothing (facenet-pytorch
    /// skips such a crop) or the box is not finite.
    func cropRegion(imageWidth: Int, imageHeight: Int) -> PixelRegion? {
        let limit: Float = 1_000_000_000
        guard [x1, y1, x2, y2].allSatisfy({ $0.isFinite && abs($0) < limit }) else { return nil }
        let x = max(Int(x1.rounded(.towardZero)), 1), y = max(Int(y1.rounded(.towardZero)), 1)
        let ex = min(Int(x2.rounded(.towardZero)), imageWidth), ey = min(Int(y2.rounded(.towardZero)), imageHeight)
        guard ey > y - 1 && ex > x - 1 else { return nil }
        return PixelRegion(x: x - 1, y: y - 1, width: ex - (x - 1), height: ey - (y - 1))
    }

    var faceBox: FaceBox { FaceBox(x1: x1, y1: y1, x2: x2, y2: y2) }
}

/// A rectangle of whole pixels: columns x ..< x + width, rows y ..< y + height.
struct PixelRegion: Equatable {
    var x: Int
    var y: Int
    var width: Int
    var height: Int
}
