/// A forward cursor over little-endian bytes that throws, rather than traps, when the data runs out.
/// Every count and offset comes from the file, so no arithmetic here may overflow or index out of range.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset >= bytes.count }

    /// Bytes left after the cursor; 0 when a seek from the file put it past the end (or before the start).
    var remaining: Int { offset >= 0 && offset <= bytes.count ? bytes.count - offset : 0 }

    func need(_ count: Int) throws {
        guard count >= 0, offset >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw CheckpointFormatProblem("file is truncated: needed \(count) bytes at offset \(offset), only \(remaining) left")
        }
    }

    /// Moves the cursor to an absolute position taken from the file; the end of the data is a valid position.
    mutating func seek(to position: Int) throws {
        guard position >= 0, position <= bytes.count else {
            throw CheckpointFormatProblem("file is truncated: offset \(position) lies outside its \(bytes.count) bytes")
        }
        offset = position
    }

    /// Moves the cursor forward by a count taken from the file.
    mutating func skip(_ count: Int) throws {
        try need(count)
        offset += count
    }

    mutating func byte() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads `width` bytes (at most 8) as an unsigned little-endian integer.
    mutating func unsigned(_ width: Int) throws -> UInt64 {
        try need(width)
        var value: UInt64 = 0
        for index in 0..<width {
            value |= UInt64(bytes[offset + index]) << (8 * UInt64(index))
        }
        offset += width
        return value
    }

    mutating func uint16() throws -> Int { Int(try unsigned(2)) }
    mutating func uint32() throws -> Int { Int(try unsigned(4)) }
    mutating func int32() throws -> Int { Int(Int32(truncatingIfNeeded: try unsigned(4))) }
    mutating func int64() throws -> Int { Int(Int64(bitPattern: try unsigned(8))) }
    mutating func uint64() throws -> UInt64 { try unsigned(8) }

    /// Pickle's BINFLOAT is the one big-endian value in the format.
    mutating func bigEndianDouble() throws -> Double {
        try need(8)
        var bits: UInt64 = 0
        for index in 0..<8 { bits = bits << 8 | UInt64(bytes[offset + index]) }
        offset += 8
        return Double(bitPattern: bits)
    }

    mutating func slice(_ count: Int) throws -> ArraySlice<UInt8> {
        try need(count)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func utf8(_ count: Int) throws -> String {
        String(decoding: try slice(count), as: UTF8.self)
    }

    /// Reads up to (not including) a newline, as the text opcodes (GLOBAL, INT, ...) need.
    mutating func line() throws -> String {
        try need(0)
        guard let end = bytes[offset...].firstIndex(of: 0x0A) else {
            throw CheckpointFormatProblem("file is truncated: unterminated text line at offset \(offset)")
        }
        defer { offset = end + 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}
