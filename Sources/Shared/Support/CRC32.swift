/// CRC-32 (IEEE 802.3, the zlib/PNG polynomial): the cache journal's record check, the zip entry check
/// and the PNG chunk check are all this one sum.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = (value & 1) != 0 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
        }
        return value
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { update(0, with: $0) }
    }

    /// Continues `crc` (the value returned for the bytes before) over `bytes`, so a caller can sum
    /// pieces without joining them: update(update(0, a), b) == checksum(a + b).
    public static func update(_ crc: UInt32, with bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var state = crc ^ 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                state = table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8)
            }
        }
        return state ^ 0xFFFF_FFFF
    }
}
