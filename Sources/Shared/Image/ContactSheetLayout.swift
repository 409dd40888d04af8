/// Where everything on a contact sheet goes, in pixels: kept apart from the drawing so the geometry can
/// be checked (and changed) without reading pixel loops.
///
/// Top to bottom: a margin, the header (title line, legend line), then per video a title line and either
/// its cells, `perLine` to a line, or one line with the failure reason; a footer line when the page
/// limit left videos out; a margin.
struct ContactSheetLayout {
    static let margin = 8
    /// Space between cells, and below each cell line.
    static let gap = 4
    /// The state colour's width around each thumbnail.
    static let border = 2
    /// Space below each video (and below the header) so videos read as separate blocks.
    static let sectionGap = 8
    /// Font pixels are drawn 2x2: 5x7 glyphs are unreadable at 1:1 on a high-density screen.
    static let textScale = 2

    let thumbnailSide: Int
    let perLine: Int

    var textLine: Int { BitmapFont.lineHeight * Self.textScale }
    var cellSide: Int { thumbnailSide + 2 * Self.border }
    var cellPitch: Int { cellSide + Self.gap }
    var headerHeight: Int { 2 * textLine + Self.sectionGap }

    /// Characters that fit on one line of the sheet.
    func columns(sheetWidth: Int) -> Int {
        (sheetWidth - 2 * Self.margin) / (BitmapFont.advance * Self.textScale)
    }

    /// Wide enough for a full line of cells and for the legend, whichever is wider.
    func sheetWidth(legendCharacters: Int) -> Int {
        let cells = perLine * cellPitch - Self.gap
        let legend = legendCharacters * BitmapFont.advance * Self.textScale
        return 2 * Self.margin + max(cells, legend)
    }

    func cellLines(slotCount: Int) -> Int { (slotCount + perLine - 1) / perLine }

    /// A video's height: its title line, then its cells or its failure line, then the section gap.
    func rowHeight(slotCount: Int, failed: Bool) -> Int {
        textLine + (failed ? textLine : cellLines(slotCount: slotCount) * cellPitch) + Self.sectionGap
    }

    /// The top-left corner of cell `index` of the video whose title line starts at `rowTop`.
    func cellOrigin(index: Int, rowTop: Int) -> (x: Int, y: Int) {
        (Self.margin + index % perLine * cellPitch, rowTop + textLine + index / perLine * cellPitch)
    }
}
