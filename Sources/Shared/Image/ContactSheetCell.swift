extension ContactSheet {
    /// The sheet's colours: a dark ground, so face crops stand out and the state colours stay saturated.
    enum Palette {
        static let background = RGBColor(28, 28, 30)
        static let text = RGBColor(235, 235, 235)
        static let muted = RGBColor(150, 150, 150)
        static let found = RGBColor(40, 200, 70)
        static let interpolated = RGBColor(255, 170, 0)
        static let failure = RGBColor(235, 50, 45)
        static let emptyCell = RGBColor(70, 70, 72)
        static let cross = RGBColor(170, 170, 170)
    }

    /// Side of the interpolated cell's corner marker: big enough to see at a glance, small enough to
    /// leave the face visible.
    var markerSide: Int { max(4, layout.thumbnailSide / 6) }

    /// One frame's cell with its top-left corner at (x, y): thumbnail centred on the empty-cell colour,
    /// then the state's border and marks.
    func drawCell(_ slot: Slot, x: Int, y: Int, on canvas: inout ImageCanvas) {
        let side = layout.cellSide, border = ContactSheetLayout.border, inner = layout.thumbnailSide
        canvas.fill(x: x, y: y, width: side, height: side, color: Palette.emptyCell)
        switch slot.state {
        case .padded:
            canvas.cross(x: x + border + inner / 8, y: y + border + inner / 8, side: inner - inner / 4,
                         thickness: 2, color: Palette.cross)
        case .found, .interpolated:
            if let image = slot.image, image.width > 0, image.height > 0 {
                let thumbnail = thumbnail(image)
                canvas.paste(thumbnail, x: x + border + (inner - thumbnail.width) / 2,
                             y: y + border + (inner - thumbnail.height) / 2)
            }
            let color = slot.state == .found ? Palette.found : Palette.interpolated
            canvas.outline(x: x, y: y, width: side, height: side, thickness: border, color: color)
            if slot.state == .interpolated {
                canvas.fill(x: x + side - border - markerSide, y: y + border, width: markerSide,
                            height: markerSide, color: Palette.interpolated)
            }
        }
    }
}
