import Testing
@testable import Shared

@Suite struct BitmapFontTests {
    private func glyph(_ character: Character) -> [UInt8] { Array(BitmapFont.glyph(character.asciiValue!)) }

    @Test func tableCoversPrintableASCIIWithFiveBitRows() {
        #expect(BitmapFont.table.count == 95 * BitmapFont.glyphHeight)
        #expect(BitmapFont.table.allSatisfy { $0 < 1 << BitmapFont.glyphWidth })
        #expect(glyph(" ").allSatisfy { $0 == 0 })
    }

    @Test func everyGlyphIsDistinctAndLettersAndDigitsHaveInk() {
        let glyphs = BitmapFont.printable.map { Array(BitmapFont.glyph($0)) }
        #expect(Set(glyphs).count == 95)
        let lettersAndDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        #expect(lettersAndDigits.allSatisfy { glyph($0).contains { $0 != 0 } })
        // The pairs a reader most often confuses in file names.
        for (first, second) in [("0", "O"), ("1", "l"), ("l", "I"), ("5", "S"), ("8", "B")] as [(Character, Character)] {
            #expect(glyph(first) != glyph(second))
        }
    }

    @Test func inkIsReadLeftToRightTopToBottom() {
        // '|' is the middle column; '_' the bottom row.
        #expect((0..<7).allSatisfy { BitmapFont.isInk(UInt8(ascii: "|"), x: 2, y: $0) })
        #expect(!BitmapFont.isInk(UInt8(ascii: "|"), x: 0, y: 3))
        #expect((0..<5).allSatisfy { BitmapFont.isInk(UInt8(ascii: "_"), x: $0, y: 6) })
    }

    @Test func charactersOutsideTheTableBecomeOneQuestionMarkEach() {
        #expect(BitmapFont.codes("a\u{e9}b\u{7f}") == Array("a?b?".utf8))
        #expect(BitmapFont.glyph(200) == BitmapFont.glyph(UInt8(ascii: "?")))
    }
}
