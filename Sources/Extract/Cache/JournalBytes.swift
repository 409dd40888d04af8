/// Little-endian encoding of journal record fields.
struct JournalByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append<Integer: FixedWidthInteger>(_ value: Integer) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Double) { append(value.bitPattern) }

    mutating func append(_ value: String) {
        let utf8 = Array(value.utf8)
        append(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func append(_ values: [Float]) {
        #if _endian(little)
        // Host order is the file order: copy the floats' bytes in one go.
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in values { append(value.bitPattern) }
        #endif
    }

    /// Per-slot frame numbers, then per-slot flags as 0/1 bytes (the slot columns every row kind has).
    mutating func appendSlots(frameIndices: [Int32], valid: [Bool]) {
        for index in frameIndices { append(index) }
        appendFlags(valid)
    }

    /// One 0/1 byte per flag.
    mutating func appendFlags(_ flags: [Bool]) {
        for flag in flags { append(UInt8(flag ? 1 : 0)) }
    }
}

/// Bounds-checked little-endian decoding; every read returns nil past the end instead of trapping.
struct JournalByteReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position == bytes.endIndex }

    mutating func read<Integer: FixedWidthInteger>(_ type: Integer.Type) -> Integer? {
        let size = MemoryLayout<Integer>.size
        guard bytes.endIndex - position >= size else { return nil }
        var value: Integer = 0
        for offset in (0..<size).reversed() {
            value = (value << 8) | Integer(bytes[position + offset])
        }
        position += size
        return value
    }

    mutating func readDouble() -> Double? {
        read(UInt64.self).map(Double.init(bitPattern:))
    }

    mutating func readString() -> String? {
        guard let count = read(UInt32.self).map(Int.init), bytes.endIndex - position >= count else { return nil }
        let text = String(decoding: bytes[position..<position + count], as: UTF8.self)
        position += count
        return text
    }

    /// The counterpart of `appendSlots`: `count` frame numbers, then `count` flags.
    mutating func readSlots(count: Int) -> (frameIndices: [Int32], valid: [Bool])? {
        guard count >= 0, bytes.endIndex - position >= count * 5 else { return nil }
        var frameIndices: [Int32] = []
        frameIndices.reserveCapacity(count)
        for _ in 0..<count { frameIndices.append(read(Int32.self)!) }
        return (frameIndices, readFlags(count: count)!)
    }

    /// The counterpart of `appendFlags`; checks the bytes are there before allocating.
    mutating func readFlags(count: Int) -> [Bool]? {
        guard count >= 0, bytes.endIndex - position >= count else { return nil }
        let flags = bytes[position..<position + count].map { $0 != 0 }
        position += count
        return flags
    }

    mutating func readFloats(count: Int) -> [Float]? {
        guard count >= 0, bytes.endIndex - position >= count * 4 else { return nil }
        var values = [Float](repeating: 0, count: count)
        #if _endian(little)
        values.withUnsafeMutableBytes { destination in
            bytes[position..<position + count * 4].withUnsafeBytes { destination.copyMemory(from: $0) }
        }
        position += count * 4
        #else
        for index in 0..<count {
            values[index] = Float(bitPattern: read(UInt32.self)!)
        }
        #endif
        return values
    }
}

/// The fields every journalled row starts with, in this order: string path | i8 label | u8 has_split |
/// string split ("" when absent) | i64 bytes | f64 mtime | i32 total_frames.
struct JournalRowHeader {
    var path: String
    var label: Int8
    var split: String?
    var bytes: Int64
    var mtime: Double
    var totalFrames: Int32
}

extension JournalByteWriter {
    mutating func append(_ header: JournalRowHeader) {
        append(header.path)
        append(header.label)
        appendOptional(header.split)
        append(header.bytes)
        append(header.mtime)
        append(header.totalFrames)
    }

    /// u8 present | string ("" when absent).
    mutating func appendOptional(_ text: String?) {
        append(UInt8(text == nil ? 0 : 1))
        append(text ?? "")
    }
}

extension JournalByteReader {
    mutating func readRowHeader() -> JournalRowHeader? {
        guard let path = readString(), let label = read(Int8.self), let split = readOptionalString(),
              let bytes = read(Int64.self), let mtime = readDouble(), let totalFrames = read(Int32.self) else { return nil }
        return JournalRowHeader(path: path, label: label, split: split, bytes: bytes, mtime: mtime, totalFrames: totalFrames)
    }

    /// The counterpart of `appendOptional`: nil when the bytes end, .some(nil) for an absent value.
    mutating func readOptionalString() -> String?? {
        guard let present = read(UInt8.self), let text = readString() else { return nil }
        return .some(present == 0 ? nil : text)
    }
}
