import Testing
@testable import Shared

@Suite struct ContactSheetTests {
    typealias Palette = ContactSheet.Palette
    private let blue = RGBColor(10, 20, 230)

    private func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> RGBColor {
        let index = (y * image.width + x) * 3
        return RGBColor(image.pixels[index], image.pixels[index + 1], image.pixels[index + 2])
    }

    /// How many pixels of `color` lie in rows `rows` of `image`.
    private func count(_ color: RGBColor, in image: RGBImage, rows: Range<Int>) -> Int {
        rows.reduce(0) { total, y in total + (0..<image.width).filter { pixel(image, $0, y) == color }.count }
    }

    private func slots(_ count: Int) -> [ContactSheet.Slot] { Array(repeating: .init(.found), count: count) }

    @Test func sizeFollowsRowsSlotCountsAndPerLine() {
        let sheet = ContactSheet(title: "CelebDF")
        let rows = [ContactSheet.Row(title: "a.mp4", slots: slots(20)),
                    ContactSheet.Row(title: "b.mp4", failure: "no face"),
                    ContactSheet.Row(title: "c.mp4", slots: slots(3))]
        // Cells 96 + 2 * 2 border + 4 gap = 104 apart: 16 per line is 16 * 104 - 4 wide, plus 8 margins.
        // Header 2 * 20 + 8; a video is a 20-pixel title, 104 per cell line or 20 for a failure, and 8.
        let expected = (width: 16 + 16 * 104 - 4, height: 16 + 48 + (20 + 2 * 104 + 8) + (20 + 20 + 8) + (20 + 104 + 8))
        #expect(sheet.size(of: rows) == expected)
        let image = sheet.render(rows)
        #expect((image.width, image.height) == expected)
        // Four cells per line no longer fill the legend's width (77 characters of 12 pixels): it sets the width.
        let narrow = ContactSheet(title: "CelebDF", perLine: 4)
        #expect(narrow.size(of: rows) == (16 + 77 * 12, 16 + 48 + (20 + 5 * 104 + 8) + (20 + 20 + 8) + (20 + 104 + 8)))
    }

    @Test func bordersShowEachFrameState() {
        let sheet = ContactSheet(title: "t", thumbnailSide: 16, perLine: 4)
        let square = ImageTestTools.solid(blue, width: 32, height: 32)
        let wide = ImageTestTools.solid(blue, width: 20, height: 10)
        let image = sheet.render([ContactSheet.Row(title: "v.mp4", slots: [
            .init(.found, image: square), .init(.interpolated, image: square), .init(.found, image: wide)])])
        let top = ContactSheetLayout.margin + sheet.layout.headerHeight
        let found = sheet.layout.cellOrigin(index: 0, rowTop: top)
        let interpolated = sheet.layout.cellOrigin(index: 1, rowTop: top)
        #expect(pixel(image, found.x, found.y + 10) == Palette.found)
        #expect(pixel(image, found.x + 1, found.y + 10) == Palette.found)
        #expect(pixel(image, found.x + 10, found.y + 10) == blue)
        #expect(pixel(image, interpolated.x, interpolated.y + 10) == Palette.interpolated)
        #expect(pixel(image, interpolated.x + 10, interpolated.y + 10) == blue)
        // The corner marker: amber inside the interpolated cell where the found cell shows the face.
        #expect(pixel(image, interpolated.x + 17, interpolated.y + 3) == Palette.interpolated)
        #expect(pixel(image, found.x + 17, found.y + 3) == blue)
        // A 20x10 crop becomes 16x8, centred: empty above it, face in the middle.
        let letterbox = sheet.layout.cellOrigin(index: 2, rowTop: top)
        #expect(pixel(image, letterbox.x + 10, letterbox.y + 3) == Palette.emptyCell)
        #expect(pixel(image, letterbox.x + 10, letterbox.y + 10) == blue)
    }

    @Test func paddedCellIsGreyWithACrossAndNoStateBorder() {
        let sheet = ContactSheet(title: "t", thumbnailSide: 16, perLine: 4)
        let image = sheet.render([ContactSheet.Row(title: "v.mp4", slots: [.init(.padded)])])
        let cell = sheet.layout.cellOrigin(index: 0, rowTop: ContactSheetLayout.margin + sheet.layout.headerHeight)
        #expect(pixel(image, cell.x + 10, cell.y + 10) == Palette.cross)
        #expect(pixel(image, cell.x + 3, cell.y + 10) == Palette.emptyCell)
        #expect(pixel(image, cell.x, cell.y + 10) == Palette.emptyCell)
        let cellRows = cell.y..<cell.y + sheet.layout.cellSide
        #expect(count(Palette.found, in: image, rows: cellRows) == 0)
        #expect(count(Palette.interpolated, in: image, rows: cellRows) == 0)
    }

    @Test func failedVideoShowsItsReasonInRedInsteadOfCells() {
        let sheet = ContactSheet(title: "t", thumbnailSide: 16, perLine: 4)
        let image = sheet.render([ContactSheet.Row(title: "real/a.mp4", slots: slots(3),
                                                   failure: "no face in any sampled frame")])
        let top = ContactSheetLayout.margin + sheet.layout.headerHeight
        let reasonLine = top + sheet.layout.textLine..<top + 2 * sheet.layout.textLine
        #expect(count(Palette.failure, in: image, rows: reasonLine) > 50)
        #expect(count(Palette.found, in: image, rows: top..<image.height) == 0)
        #expect(image.height == top + 2 * sheet.layout.textLine + ContactSheetLayout.sectionGap + ContactSheetLayout.margin)
    }

    @Test func pageLimitDrawsTheFirstVideosAndCountsTheRest() {
        let sheet = ContactSheet(title: "t", thumbnailSide: 16, perLine: 4, maxVideos: 2)
        let rows = (0..<5).map { ContactSheet.Row(title: "v\($0).mp4", slots: slots(1)) }
        let image = sheet.render(rows)
        // Two videos of 20 + 24 + 8, then a 20-pixel footer line.
        #expect(image.height == 16 + 48 + 2 * 52 + 20)
        let footer = image.height - 8 - 20..<image.height - 8
        #expect(count(Palette.muted, in: image, rows: footer) > 50)
        #expect(count(Palette.found, in: image, rows: 60..<image.height) == 2 * (20 * 20 - 16 * 16))  // two borders
    }

    @Test func titlesKeepTheirFileNameAndReasonsTheirStart() {
        #expect(ContactSheet.trimmedStart("Celeb-real/id0_0000.mp4", to: 12) == "..._0000.mp4")
        #expect(ContactSheet.trimmedStart("short.mp4", to: 12) == "short.mp4")
        #expect(ContactSheet.trimmedEnd("no face in any sampled frame", to: 10) == "no face...")
        #expect(ContactSheet.trimmedEnd("abcdef", to: 2) == "ab")
    }
}
