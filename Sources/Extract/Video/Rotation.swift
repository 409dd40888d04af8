import Shared

/// How far a decoded frame must be turned clockwise to be upright, from the container's display matrix.
/// Only right-angle rotations are honoured (like the ffmpeg CLI's autorotate); mirroring is ignored.
struct DisplayRotation: Equatable {
    /// 0, 1, 2 or 3 quarter turns clockwise.
    let clockwiseQuarterTurns: Int

    init(clockwiseQuarterTurns: Int) {
        self.clockwiseQuarterTurns = ((clockwiseQuarterTurns % 4) + 4) % 4
    }

    /// `counterClockwiseDegrees` as av_display_rotation_get reports it (e.g. -90 for a phone held upright).
    init(displayMatrixDegrees counterClockwiseDegrees: Double) {
        // The display matrix turns counter-clockwise; upright needs the opposite, snapped to quarter turns.
        let clockwise = -counterClockwiseDegrees
        let turns = Int((clockwise / 90).rounded())
        self.init(clockwiseQuarterTurns: turns)
    }

    /// Whether width and height swap.
    var swapsAxes: Bool { clockwiseQuarterTurns % 2 == 1 }

    /// The image turned clockwise by this rotation. Shapes: [h, w, 3] -> [w, h, 3] for odd turns.
    func apply(to image: RGBImage) -> RGBImage {
        let turns = clockwiseQuarterTurns
        if turns == 0 { return image }
        let width = image.width, height = image.height
        let outWidth = swapsAxes ? height : width
        let outHeight = swapsAxes ? width : height
        var output = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        // Where output pixel (x, y) comes from in the source.
                        let sourceX: Int, sourceY: Int
                        switch turns {
                        case 1: sourceX = y; sourceY = height - 1 - x
                        case 2: sourceX = width - 1 - x; sourceY = height - 1 - y
                        default: sourceX = width - 1 - y; sourceY = x
                        }
                        let from = (sourceY * width + sourceX) * 3
                        let to = (y * outWidth + x) * 3
                        destination[to] = source[from]
                        destination[to + 1] = source[from + 1]
                        destination[to + 2] = source[from + 2]
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: output)
    }
}
