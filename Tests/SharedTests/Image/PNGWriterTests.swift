import Foundation
import Testing
@testable import Shared

@Suite struct PNGWriterTests {
    /// The scanlines a PNG of `image` must carry: a 0 (no filter) before each row.
    private func scanlines(_ image: RGBImage) -> [UInt8] {
        let rowBytes = image.width * 3
        var bytes: [UInt8] = []
        for row in 0..<image.height {
            bytes.append(0)
            bytes += image.pixels[row * rowBytes..<(row + 1) * rowBytes]
        }
        return bytes
    }

    /// The stored blocks of the PNG's zlib stream as (length, isLast), read from their headers.
    private func storedBlocks(_ png: [UInt8]) -> [(length: Int, isLast: Bool)] {
        var position = PNGWriter.signature.count + 25 + 8 + 2  // past IHDR, the IDAT header and CMF/FLG
        var blocks: [(Int, Bool)] = []
        while blocks.last?.1 != true {
            let length = Int(png[position + 1]) | Int(png[position + 2]) << 8
            let complement = Int(png[position + 3]) | Int(png[position + 4]) << 8
            #expect(png[position] & 0b110 == 0, "BTYPE must be 00 (stored)")
            #expect(length ^ complement == 0xFFFF, "NLEN must be LEN's complement")
            blocks.append((length, png[position] & 1 == 1))
            position += 5 + length
        }
        return blocks
    }

    @Test func roundTripThroughFFmpegIsBitExact() throws {
        let image = ImageTestTools.pattern(width: 37, height: 23)
        let url = try ImageTestTools.temporaryFile("pattern.png")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PNGWriter.write(image, to: url)
        #expect(try ImageTestTools.ffmpegPixels(url) == image.pixels)
        // The temporary file was renamed, not left beside the picture.
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
                == ["pattern.png"])
    }

    @Test func largeImageSpansSeveralStoredBlocksThatZlibInflates() throws {
        let image = ImageTestTools.pattern(width: 300, height: 100)  // 100 * 901 = 90100 scanline bytes
        let png = PNGWriter.encode(image)
        let blocks = storedBlocks(png)
        #expect(blocks.map(\.length) == [65_535, 90_100 - 65_535])
        #expect(blocks.map(\.isLast) == [false, true])
        let url = try ImageTestTools.temporaryFile("large.png")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PNGWriter.write(image, to: url)
        #expect(try ImageTestTools.ffmpegPixels(url) == image.pixels)
        // Python's zlib checks every chunk CRC and the stream's Adler-32 independently of ffmpeg.
        let inflate = """
            import sys, struct, zlib
            data = open(sys.argv[1], 'rb').read()[8:]; idat = b''
            while data:
                (length,) = struct.unpack('>I', data[:4]); kind, body = data[4:8], data[8:8 + length]
                assert struct.unpack('>I', data[8 + length:12 + length])[0] == zlib.crc32(kind + body), kind
                idat += body if kind == b'IDAT' else b''; data = data[12 + length:]
            sys.stdout.buffer.write(zlib.decompress(idat))
            """
        #expect(try ImageTestTools.output(of: "python3", ["-c", inflate, url.path]) == scanlines(image))
    }

    @Test func onePixelImageIsTheSmallestValidPNG() throws {
        let image = RGBImage(width: 1, height: 1, pixels: [200, 10, 99])
        let png = PNGWriter.encode(image)
        // Signature, IHDR (12 + 13), IDAT (12 + zlib header 2, one block 5 + 4 bytes, Adler-32 4), IEND 12.
        #expect(png.count == 8 + 25 + 27 + 12)
        let url = try ImageTestTools.temporaryFile("dot.png")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try PNGWriter.write(image, to: url)
        #expect(try ImageTestTools.ffmpegPixels(url) == [200, 10, 99])
    }

    @Test func adler32MatchesTheRFCExampleAndLongInputs() {
        #expect(ZlibStoredStream.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(ZlibStoredStream.adler32([]) == 1)
        // 64 KiB of 0xFF crosses the 5552-byte modulo runs; the value is zlib.adler32(b'\xff' * 65536).
        #expect(ZlibStoredStream.adler32([UInt8](repeating: 0xFF, count: 65_536)) == 0x7797_0EF2)
    }

    @Test func aMissingFolderIsAnErrorNamingThePicture() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("no-such-folder-\(UUID().uuidString)/sheet.png")
        #expect {
            try PNGWriter.write(RGBImage(width: 1, height: 1, pixels: [0, 0, 0]), to: url)
        } throws: { error in
            let description = (error as? PNGWriteError)?.description ?? ""
            return description.contains(url.path) && description.contains("folder exists")
        }
    }
}
