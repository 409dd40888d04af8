/// One picture that shows, per video, the face crops of its sampled frames, so a researcher can see
/// what the face stage hands the backbone: right faces, wrong faces, interpolated boxes, missing frames.
///
/// Each video is a block: its title (the relative path, trimmed at the front to fit), then one cell per
/// sampled frame, `perLine` cells to a line. A cell's border says what the frame's crop is: green, a
/// detected face; amber with a corner marker, a box interpolated from neighbouring frames (the marker
/// keeps it apart from green for readers who cannot tell the two colours apart); a dark cell with an X,
/// no frame at all. A video whose face stage failed shows its reason in red instead of cells.
///
/// Memory: the sheet holds width x height x 3 bytes. With the defaults a video of 32 frames takes
/// 236 rows of 1676 pixels (1.2 MB), so `maxVideos` (the page limit, default 64) bounds one sheet
/// to about 76 MB; videos past it are counted in a footer line, not drawn. A caller with more
/// videos renders pages (slices of its rows) and should store thumbnails (`thumbnail(_:)`) rather
/// than full crops in the rows it keeps.
public struct ContactSheet: Sendable {
    public enum SlotState: Sendable, Equatable { case found, interpolated, padded }

    /// One sampled frame: its crop (any size; nil or empty draws an empty cell, and a padded slot's crop
    /// is never drawn) and what the face stage did.
    public struct Slot: Sendable {
        public var image: RGBImage?
        public var state: SlotState
        public init(_ state: SlotState, image: RGBImage? = nil) {
            (self.state, self.image) = (state, image)
        }
    }

    /// One video: its title and cells, or the reason it has no face crops (drawn instead of its cells).
    public struct Row: Sendable {
        public var title: String
        public var slots: [Slot]
        public var failure: String?
        public init(title: String, slots: [Slot] = [], failure: String? = nil) {
            (self.title, self.slots, self.failure) = (title, slots, failure)
        }
    }

    public let title: String
    public let maxVideos: Int
    let layout: ContactSheetLayout

    /// `title` heads the sheet (say the dataset and frame count); `thumbnailSide` is each crop's cell
    /// size in pixels; `perLine` cells per line before a video's frames wrap; `maxVideos` the page limit.
    public init(title: String, thumbnailSide: Int = 96, perLine: Int = 16, maxVideos: Int = 64) {
        precondition(thumbnailSide >= 8 && perLine >= 1 && maxVideos >= 1,
                     "a contact sheet needs thumbnailSide >= 8, perLine >= 1 and maxVideos >= 1")
        self.title = title
        self.maxVideos = maxVideos
        layout = ContactSheetLayout(thumbnailSide: thumbnailSide, perLine: perLine)
    }

    /// `image` shrunk (or enlarged) to fit a cell, aspect ratio kept: what a row needs to hold.
    public func thumbnail(_ image: RGBImage) -> RGBImage { image.fitted(into: layout.thumbnailSide) }

    /// The width and height `render` gives `rows`, without drawing.
    public func size(of rows: [Row]) -> (width: Int, height: Int) {
        let shown = rows.prefix(maxVideos)
        let videos = shown.reduce(0) { $0 + layout.rowHeight(slotCount: $1.slots.count, failed: $1.failure != nil) }
        let footer = rows.count > maxVideos ? layout.textLine : 0
        let width = layout.sheetWidth(legendCharacters: Self.legend.reduce(0) { $0 + $1.text.count })
        return (width, 2 * ContactSheetLayout.margin + layout.headerHeight + videos + footer)
    }

    /// The sheet for the first `maxVideos` of `rows`.
    public func render(_ rows: [Row]) -> RGBImage {
        let size = size(of: rows)
        var canvas = ImageCanvas(width: size.width, height: size.height, background: Palette.background)
        let columns = layout.columns(sheetWidth: size.width)
        var y = ContactSheetLayout.margin
        write(Self.trimmedEnd(title, to: columns), at: y, color: Palette.text, on: &canvas)
        drawLegend(at: y + layout.textLine, on: &canvas)
        y += layout.headerHeight
        for row in rows.prefix(maxVideos) {
            draw(row, at: y, columns: columns, on: &canvas)
            y += layout.rowHeight(slotCount: row.slots.count, failed: row.failure != nil)
        }
        if rows.count > maxVideos {
            let hidden = rows.count - maxVideos
            let footer = "... \(hidden) more video\(hidden == 1 ? "" : "s") not shown (page limit \(maxVideos))"
            write(Self.trimmedEnd(footer, to: columns), at: y, color: Palette.muted, on: &canvas)
        }
        return canvas.image
    }

    private func draw(_ row: Row, at top: Int, columns: Int, on canvas: inout ImageCanvas) {
        // The end of a path names the video; its start is the dataset's folders, shared by many rows.
        write(Self.trimmedStart(row.title, to: columns), at: top, color: Palette.text, on: &canvas)
        if let failure = row.failure {
            write(Self.trimmedEnd(failure, to: columns), at: top + layout.textLine, color: Palette.failure,
                  on: &canvas)
            return
        }
        for (index, slot) in row.slots.enumerated() {
            let origin = layout.cellOrigin(index: index, rowTop: top)
            drawCell(slot, x: origin.x, y: origin.y, on: &canvas)
        }
    }

    private func write(_ text: String, at y: Int, color: RGBColor, on canvas: inout ImageCanvas) {
        canvas.text(BitmapFont.codes(text), x: ContactSheetLayout.margin, y: y,
                    scale: ContactSheetLayout.textScale, color: color)
    }

    /// The legend, each entry in the colour it explains, so the sheet reads without this documentation.
    static let legend: [(text: String, color: RGBColor)] = [
        ("green: face found", Palette.found), (", ", Palette.muted),
        ("amber+corner: interpolated", Palette.interpolated), (", ", Palette.muted),
        ("X: no frame", Palette.cross), (", ", Palette.muted), ("red: video failed", Palette.failure),
    ]

    private func drawLegend(at y: Int, on canvas: inout ImageCanvas) {
        var x = ContactSheetLayout.margin
        for entry in Self.legend {
            canvas.text(BitmapFont.codes(entry.text), x: x, y: y, scale: ContactSheetLayout.textScale,
                        color: entry.color)
            x += entry.text.count * BitmapFont.advance * ContactSheetLayout.textScale
        }
    }
}

extension ContactSheet {
    /// `text` cut to `columns` characters by dropping its start (marked "...").
    static func trimmedStart(_ text: String, to columns: Int) -> String {
        guard text.count > columns else { return text }
        return columns <= 3 ? String(text.suffix(columns)) : "..." + text.suffix(columns - 3)
    }

    /// `text` cut to `columns` characters by dropping its end (marked "...").
    static func trimmedEnd(_ text: String, to columns: Int) -> String {
        guard text.count > columns else { return text }
        return columns <= 3 ? String(text.prefix(columns)) : text.prefix(columns - 3) + "..."
    }
}
