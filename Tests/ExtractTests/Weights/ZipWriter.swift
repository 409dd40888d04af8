@testable import Extract
import Shared

/// A stored-entries zip writer (with optional zip64 records), as torch.save writes archives, plus hooks
/// that let a test put hostile values in the central directory's zip64 fields.
struct ZipWriter {
    struct Entry {
        var name: String
        var data: [UInt8]
    }

    /// Values written into an entry's zip64 extra field in place of the true ones.
    struct Zip64Override {
        var size: UInt64?
        var offset: UInt64?
    }

    var entries: [Entry]
    var zip64 = false
    var overrides: [String: Zip64Override] = [:]
    /// Replaces the zip64 end record's (entry count, directory size, directory offset).
    var endOverride: (count: UInt64, size: UInt64, offset: UInt64)?

    var bytes: [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let crc = CRC32.checksum(entry.data)
            let offset = out.count
            let name = Array(entry.name.utf8)
            out += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(UInt64(crc), 4)
                + le(UInt64(entry.data.count), 4) + le(UInt64(entry.data.count), 4) + le(UInt64(name.count), 2) + le(0, 2)
            out += name + entry.data
            central += centralRecord(entry, name: name, crc: crc, offset: offset)
        }
        let directoryOffset = out.count
        out += central
        let count = UInt64(entries.count)
        if zip64 {
            let end = endOverride ?? (count, UInt64(central.count), UInt64(directoryOffset))
            let recordOffset = out.count
            out += le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
                + le(end.count, 8) + le(end.count, 8) + le(end.size, 8) + le(end.offset, 8)
            out += le(0x0706_4B50, 4) + le(0, 4) + le(UInt64(recordOffset), 8) + le(1, 4)
            out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2)
                + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2)
        } else {
            out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(count, 2) + le(count, 2)
                + le(UInt64(central.count), 4) + le(UInt64(directoryOffset), 4) + le(0, 2)
        }
        return out
    }

    private func centralRecord(_ entry: Entry, name: [UInt8], crc: UInt32, offset: Int) -> [UInt8] {
        let size = UInt64(entry.data.count)
        var extra: [UInt8] = []
        var small = (size: size, offset: UInt64(offset))
        if zip64 {
            let override = overrides[entry.name]
            let wide = (size: override?.size ?? size, offset: override?.offset ?? UInt64(offset))
            extra = le(1, 2) + le(24, 2) + le(wide.size, 8) + le(wide.size, 8) + le(wide.offset, 8)
            small = (0xFFFF_FFFF, 0xFFFF_FFFF)
        }
        return le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(UInt64(crc), 4)
            + le(small.size, 4) + le(small.size, 4) + le(UInt64(name.count), 2) + le(UInt64(extra.count), 2) + le(0, 2)
            + le(0, 2) + le(0, 2) + le(0, 4) + le(small.offset, 4) + name + extra
    }

    private func le(_ value: UInt64, _ width: Int) -> [UInt8] { CheckpointBuilder.le(value, width: width) }
}
