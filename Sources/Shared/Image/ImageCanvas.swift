/// An 8-bit RGB colour.
public struct RGBColor: Sendable, Equatable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        (self.red, self.green, self.blue) = (red, green, blue)
    }
}

/// A picture under construction: rectangles, outlines, crosses, pasted images and bitmap-font text.
/// Every operation clips to the canvas, so a caller's layout arithmetic can never write out of bounds.
struct ImageCanvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: RGBColor) {
        precondition(width > 0 && height > 0, "a canvas needs a positive size, got \(width)x\(height)")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    func color(x: Int, y: Int) -> RGBColor {
        let index = (y * width + x) * 3
        return RGBColor(pixels[index], pixels[index + 1], pixels[index + 2])
    }

    mutating func set(x: Int, y: Int, _ color: RGBColor) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let index = (y * width + x) * 3
        pixels[index] = color.red
        pixels[index + 1] = color.green
        pixels[index + 2] = color.blue
    }

    mutating func fill(x: Int, y: Int, width: Int, height: Int, color: RGBColor) {
        for row in max(0, y)..<max(max(0, y), min(self.height, y + height)) {
            for column in max(0, x)..<max(max(0, x), min(self.width, x + width)) {
                set(x: column, y: row, color)
            }
        }
    }

    /// An outline `thickness` pixels wide, drawn inside the rectangle.
    mutating func outline(x: Int, y: Int, width: Int, height: Int, thickness: Int, color: RGBColor) {
        fill(x: x, y: y, width: width, height: thickness, color: color)
        fill(x: x, y: y + height - thickness, width: width, height: thickness, color: color)
        fill(x: x, y: y, width: thickness, height: height, color: color)
        fill(x: x + width - thickness, y: y, width: thickness, height: height, color: color)
    }

    /// Both diagonals of the square at (x, y) with side `side`.
    mutating func cross(x: Int, y: Int, side: Int, thickness: Int, color: RGBColor) {
        for step in 0..<side {
            for offset in 0..<thickness {
                set(x: x + step + offset, y: y + step, color)
                set(x: x + side - 1 - step - offset, y: y + step, color)
            }
        }
    }

    /// Copies `image` with its top-left corner at (x, y).
    mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        let columns = max(0, x)..<max(max(0, x), min(width, x + image.width))
        guard !columns.isEmpty else { return }
        for row in max(0, y)..<max(max(0, y), min(height, y + image.height)) {
            let source = ((row - y) * image.width + (columns.lowerBound - x)) * 3
            let target = (row * width + columns.lowerBound) * 3
            pixels.replaceSubrange(target..<target + columns.count * 3,
                                   with: image.pixels[source..<source + columns.count * 3])
        }
    }

    /// Writes `codes` (see `BitmapFont.codes`) with the first glyph's top-left corner at (x, y), each font
    /// pixel drawn as a `scale` x `scale` square.
    mutating func text(_ codes: [UInt8], x: Int, y: Int, scale: Int, color: RGBColor) {
        for (position, code) in codes.enumerated() {
            let left = x + position * BitmapFont.advance * scale
            guard left < width else { return }
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth where BitmapFont.isInk(code, x: column, y: row) {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, color: color)
                }
            }
        }
    }
}
