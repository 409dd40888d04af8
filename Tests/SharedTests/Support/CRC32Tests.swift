import Testing
@testable import Shared

@Suite struct CRC32Tests {
    @Test func updatingPieceByPieceEqualsOneSumOverTheWhole() {
        let whole = Array("IDAT and the bytes that follow it".utf8)
        let piecewise = whole[..<4].withUnsafeBufferPointer { head in
            whole[4...].withUnsafeBufferPointer { tail in CRC32.update(CRC32.update(0, with: head), with: tail) }
        }
        #expect(piecewise == CRC32.checksum(whole))
        // zlib.crc32(b"IEND"), the checksum every PNG ends with.
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
    }
}
