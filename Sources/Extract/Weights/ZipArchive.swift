/// A minimal ZIP reader for torch's zip checkpoints: the central directory, zip64 sizes and offsets,
/// and stored (uncompressed) entries, which is all torch.save writes.
struct ZipArchive {
    struct Entry {
        let name: String
        /// 0 = stored; anything else (8 = deflate) is refused.
        let method: Int
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    private static let localHeaderSignature = 0x0403_4B50
    private static let centralHeaderSignature = 0x0201_4B50
    private static let endSignature = 0x0605_4B50
    private static let zip64EndSignature = 0x0606_4B50
    private static let zip64LocatorSignature = 0x0706_4B50

    let bytes: [UInt8]
    /// Entries in central-directory order.
    let entries: [Entry]
    private let indexByName: [String: Int]

    /// True when the bytes begin with a local file header ("PK\u{3}\u{4}").
    static func matches(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        let end = try ZipArchive.findEndRecord(bytes)
        var reader = ByteReader(bytes, offset: end + 10)
        var entryCount = try reader.uint16()
        var directorySize = try reader.uint32()
        var directoryOffset = try reader.uint32()
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            (entryCount, directorySize, directoryOffset) = try ZipArchive.zip64EndRecord(bytes, endRecord: end)
        }
        guard directoryOffset + directorySize <= bytes.count else {
            throw CheckpointFormatProblem("file is truncated: the zip central directory lies past the end of the file")
        }

        var entries: [Entry] = []
        var indexByName: [String: Int] = [:]
        reader.offset = directoryOffset
        for _ in 0..<entryCount {
            let entry = try ZipArchive.centralEntry(&reader)
            indexByName[entry.name] = entries.count
            entries.append(entry)
        }
        self.entries = entries
        self.indexByName = indexByName
    }

    func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The bytes of a stored entry, without copying.
    func contents(of entry: Entry) throws -> ArraySlice<UInt8> {
        guard entry.method == 0 else {
            throw CheckpointFormatProblem("zip entry '\(entry.name)' is compressed (method \(entry.method)); torch.save writes stored entries only, so the archive was repacked")
        }
        var reader = ByteReader(bytes, offset: entry.localHeaderOffset)
        guard try reader.uint32() == ZipArchive.localHeaderSignature else {
            throw CheckpointFormatProblem("zip entry '\(entry.name)' has no local header at offset \(entry.localHeaderOffset)")
        }
        reader.offset = entry.localHeaderOffset + 26
        let nameLength = try reader.uint16()
        let extraLength = try reader.uint16()
        reader.offset += nameLength + extraLength
        do {
            return try reader.slice(entry.compressedSize)
        } catch {
            throw CheckpointFormatProblem("file is truncated: zip entry '\(entry.name)' needs \(entry.compressedSize) bytes at offset \(reader.offset)")
        }
    }

    /// The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
    private static func findEndRecord(_ bytes: [UInt8]) throws -> Int {
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var candidate = bytes.count - 22
        while candidate >= lowest {
            if bytes[candidate] == 0x50, bytes[candidate + 1] == 0x4B, bytes[candidate + 2] == 0x05, bytes[candidate + 3] == 0x06 {
                return candidate
            }
            candidate -= 1
        }
        throw CheckpointFormatProblem("file is truncated: it starts like a zip archive but has no end-of-central-directory record")
    }

    private static func zip64EndRecord(_ bytes: [UInt8], endRecord: Int) throws -> (Int, Int, Int) {
        var locator = ByteReader(bytes, offset: endRecord - 20)
        guard endRecord >= 20, try locator.uint32() == zip64LocatorSignature else {
            throw CheckpointFormatProblem("zip archive needs zip64 fields but has no zip64 end-of-directory locator")
        }
        _ = try locator.uint32()  // disk holding the zip64 record
        var record = ByteReader(bytes, offset: Int(clamping: try locator.uint64()))
        guard try record.uint32() == zip64EndSignature else {
            throw CheckpointFormatProblem("zip64 end-of-directory locator points at no zip64 record")
        }
        record.offset += 8 + 2 + 2 + 4 + 4 + 8  // record size, versions, disk numbers, entries on this disk
        let count = try record.int64()
        let size = try record.int64()
        let offset = try record.int64()
        guard count >= 0, size >= 0, offset >= 0 else { throw CheckpointFormatProblem("zip64 record has negative fields") }
        return (count, size, offset)
    }

    private static func centralEntry(_ reader: inout ByteReader) throws -> Entry {
        let start = reader.offset
        guard try reader.uint32() == centralHeaderSignature else {
            throw CheckpointFormatProblem("zip central directory entry at offset \(start) has a bad signature")
        }
        reader.offset = start + 10
        let method = try reader.uint16()
        reader.offset = start + 20
        var compressedSize = try reader.uint32()
        var uncompressedSize = try reader.uint32()
        let nameLength = try reader.uint16()
        let extraLength = try reader.uint16()
        let commentLength = try reader.uint16()
        reader.offset = start + 42
        var localHeaderOffset = try reader.uint32()
        let name = try reader.utf8(nameLength)
        let extraEnd = reader.offset + extraLength

        // zip64 extra field (id 1): 8-byte values for exactly those fields saturated at 0xFFFFFFFF, in this order.
        while reader.offset + 4 <= extraEnd {
            let id = try reader.uint16()
            let size = try reader.uint16()
            let fieldEnd = reader.offset + size
            if id == 1 {
                if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try reader.int64() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try reader.int64() }
                if localHeaderOffset == 0xFFFF_FFFF { localHeaderOffset = try reader.int64() }
            }
            reader.offset = fieldEnd
        }
        reader.offset = extraEnd + commentLength
        return Entry(name: name, method: method, compressedSize: compressedSize,
                     uncompressedSize: uncompressedSize, localHeaderOffset: localHeaderOffset)
    }
}
