/// A zlib stream (RFC 1950) whose deflate data (RFC 1951) is all "stored" blocks: the bytes as they are,
/// at most 65535 per block. This is the one deflate form that needs no compressor, so PNG writing needs
/// no zlib library; a preview picture is written once and looked at, so its size matters little.
enum ZlibStoredStream {
    static let maximumBlockLength = 65_535

    /// Appends the stream for `data` to `output`.
    static func append(_ data: [UInt8], to output: inout [UInt8]) {
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF * 256 + FLG a multiple of 31.
        output += [0x78, 0x01]
        var start = 0
        repeat {
            let length = min(maximumBlockLength, data.count - start)
            let isLast = start + length == data.count
            // One header byte (BFINAL, BTYPE 00), padded to the byte boundary, then LEN and its complement.
            output.append(isLast ? 0x01 : 0x00)
            output += littleEndian(UInt16(length)) + littleEndian(~UInt16(length))
            output += data[start..<start + length]
            start += length
        } while start < data.count
        let checksum = adler32(data)
        output += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) }
    }

    /// The count of stored blocks `append` writes for `byteCount` bytes (an empty stream still has one).
    static func blockCount(for byteCount: Int) -> Int {
        max(1, (byteCount + maximumBlockLength - 1) / maximumBlockLength)
    }

    /// Adler-32 (RFC 1950), the zlib stream's trailing check of the uncompressed bytes.
    static func adler32(_ data: [UInt8]) -> UInt32 {
        let modulus: UInt32 = 65_521
        var (low, high): (UInt32, UInt32) = (1, 0)
        // 5552 is the longest run whose sums cannot overflow 32 bits before the modulo.
        var start = 0
        while start < data.count {
            let end = min(data.count, start + 5552)
            for byte in data[start..<end] {
                low += UInt32(byte)
                high += low
            }
            (low, high) = (low % modulus, high % modulus)
            start = end
        }
        return high << 16 | low
    }

    private static func littleEndian(_ value: UInt16) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
    }
}
