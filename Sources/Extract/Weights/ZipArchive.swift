import Shared

/// A minimal ZIP reader for torch's zip checkpoints: the central directory, zip64 sizes and offsets,
/// and stored (uncompressed) entries, which is all torch.save writes. Every size and offset is checked
/// against the file, and every entry read must match its local header and its CRC-32.
struct ZipArchive {
    struct Entry {
        let name: String
        /// 0 = stored; anything else (8 = deflate) is refused.
        let method: Int
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    private static let localHeaderSignature = 0x0403_4B50
    private static let centralHeaderSignature = 0x0201_4B50
    private static let endSignature = 0x0605_4B50
    private static let zip64EndSignature = 0x0606_4B50
    private static let zip64LocatorSignature = 0x0706_4B50
    /// A central directory record is at least this long, which bounds how many entries a directory can hold.
    private static let centralHeaderLength = 46

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
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw CheckpointFormatProblem("file is truncated: the zip central directory (\(directorySize) bytes at offset \(directoryOffset)) lies past the end of the file")
        }
        guard entryCount <= directorySize / ZipArchive.centralHeaderLength else {
            throw CheckpointFormatProblem("zip directory claims \(entryCount) entries, more than its \(directorySize) bytes can hold")
        }

        var entries: [Entry] = []
        var indexByName: [String: Int] = [:]
        reader = ByteReader(Array(bytes[directoryOffset..<directoryOffset + directorySize]))
        for _ in 0..<entryCount {
            let entry = try ZipArchive.centralEntry(&reader)
            guard indexByName[entry.name] == nil else {
                throw CheckpointFormatProblem("zip archive holds two entries named '\(entry.name)'")
            }
            indexByName[entry.name] = entries.count
            entries.append(entry)
        }
        self.entries = entries
        self.indexByName = indexByName
    }

    func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The bytes of a stored entry, without copying, once its local header and CRC-32 agree with the directory.
    func contents(of entry: Entry) throws -> ArraySlice<UInt8> {
        guard entry.method == 0 else {
            throw CheckpointFormatProblem("zip entry '\(entry.name)' is compressed (method \(entry.method)); torch.save writes stored entries only, so the archive was repacked")
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw CheckpointFormatProblem("stored zip entry '\(entry.name)' has a compressed size \(entry.compressedSize) unlike its size \(entry.uncompressedSize)")
        }
        var reader = ByteReader(bytes)
        try reader.seek(to: entry.localHeaderOffset)
        guard reader.remaining >= 30, try reader.uint32() == ZipArchive.localHeaderSignature else {
            throw CheckpointFormatProblem("zip entry '\(entry.name)' has no local header at offset \(entry.localHeaderOffset)")
        }
        try reader.skip(4)  // version needed, flags
        let method = try reader.uint16()
        try reader.skip(16)  // time, date, CRC and sizes (zero when a data descriptor follows)
        let nameLength = try reader.uint16()
        let extraLength = try reader.uint16()
        let localName = try reader.utf8(nameLength)
        guard localName == entry.name, method == entry.method else {
            throw CheckpointFormatProblem("zip entry '\(entry.name)' disagrees with its local header at offset \(entry.localHeaderOffset) (name '\(localName.prefix(80))', method \(method))")
        }
        try reader.skip(extraLength)
        let start = reader.offset
        guard let data = try? reader.slice(entry.compressedSize) else {
            throw CheckpointFormatProblem("file is truncated: zip entry '\(entry.name)' needs \(entry.compressedSize) bytes at offset \(start)")
        }
        let crc = CRC32.checksum(Array(data))  // the cache journal's CRC-32, the zip checksum too
        guard crc == entry.crc32 else {
            throw CheckpointFormatProblem("zip entry '\(entry.name)' is corrupt: its CRC-32 is \(String(crc, radix: 16)), the directory records \(String(entry.crc32, radix: 16))",
                                          fix: "the file is damaged: fetch it again (`make setup`) or \(CheckpointError.resaveFix)")
        }
        return data
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
        guard endRecord >= 20 else {
            throw CheckpointFormatProblem("zip archive needs zip64 fields but has no zip64 end-of-directory locator")
        }
        var locator = ByteReader(bytes, offset: endRecord - 20)
        guard try locator.uint32() == zip64LocatorSignature else {
            throw CheckpointFormatProblem("zip archive needs zip64 fields but has no zip64 end-of-directory locator")
        }
        try locator.skip(4)  // disk holding the zip64 record
        var record = ByteReader(bytes)
        try record.seek(to: Int(clamping: try locator.uint64()))
        guard try record.uint32() == zip64EndSignature else {
            throw CheckpointFormatProblem("zip64 end-of-directory locator points at no zip64 record")
        }
        try record.skip(8 + 2 + 2 + 4 + 4 + 8)  // record size, versions, disk numbers, entries on this disk
        let count = try record.int64()
        let size = try record.int64()
        let offset = try record.int64()
        guard count >= 0, size >= 0, offset >= 0 else { throw CheckpointFormatProblem("zip64 record has negative fields") }
        return (count, size, offset)
    }

    /// One central directory record; `reader` holds just the directory, so nothing is read outside it.
    private static func centralEntry(_ reader: inout ByteReader) throws -> Entry {
        let start = reader.offset
        guard reader.remaining >= centralHeaderLength, try reader.uint32() == centralHeaderSignature else {
            throw CheckpointFormatProblem("zip central directory entry at directory offset \(start) has a bad signature")
        }
        try reader.skip(6)  // versions, flags
        let method = try reader.uint16()
        try reader.skip(4)  // time, date
        let crc = UInt32(try reader.uint32())
        var compressedSize = try reader.uint32()
        var uncompressedSize = try reader.uint32()
        let nameLength = try reader.uint16()
        let extraLength = try reader.uint16()
        let commentLength = try reader.uint16()
        try reader.skip(8)  // disk number, attributes
        var localHeaderOffset = try reader.uint32()
        let name = try reader.utf8(nameLength)
        var extra = ByteReader(Array(try reader.slice(extraLength)))
        try reader.skip(commentLength)

        // zip64 extra field (id 1): 8-byte values for exactly those fields saturated at 0xFFFFFFFF, in this order.
        while extra.remaining >= 4 {
            let id = try extra.uint16()
            var field = ByteReader(Array(try extra.slice(try extra.uint16())))
            if id == 1 {
                if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try field.int64() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try field.int64() }
                if localHeaderOffset == 0xFFFF_FFFF { localHeaderOffset = try field.int64() }
            }
        }
        guard compressedSize >= 0, uncompressedSize >= 0, localHeaderOffset >= 0 else {
            throw CheckpointFormatProblem("zip entry '\(name)' has a negative zip64 size or offset")
        }
        return Entry(name: name, method: method, crc32: crc, compressedSize: compressedSize,
                     uncompressedSize: uncompressedSize, localHeaderOffset: localHeaderOffset)
    }
}
