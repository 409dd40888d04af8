import Foundation
import Shared

/// Where one entry's latest record sits in the journal, and what it says about its source file.
struct JournalEntryLocation: Equatable {
    let offset: Int64
    let bodyLength: Int
    let stamp: VideoFileStamp
    let isFailure: Bool
}

/// An append-only file of finished videos, written while a cache of one row kind is built so a killed run
/// can resume.
///
/// Layout: the 8-byte magic "DFHJRNL1", then records of [u32 body length][body][u32 CRC-32 of body],
/// little-endian. The first record's body is [u8 1][settings JSON]; the rest are `RowJournalEntry` bodies.
/// Each record is written in one call and fsynced. Reading stops at the first record that is short or fails
/// its checksum (a torn write from a crash); the file is truncated there so new records follow good ones.
final class RowJournal<Row: CacheRow> {
    static var magic: [UInt8] { Array("DFHJRNL1".utf8) }
    /// Far above any real record (FRAMES x dim floats); a larger length prefix can only be garbage.
    static var maximumBodyLength: Int { 1 << 30 }

    let url: URL
    private var descriptor: Int32
    private var endOffset: Int64
    /// The latest record for each path.
    private(set) var locations: [String: JournalEntryLocation] = [:]

    /// Opens the journal, creating it with `metadata` if absent; refuses one written for other metadata.
    init(url: URL, metadata: Row.Settings) throws {
        self.url = url
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CacheIOError(file: url.path, operation: "opening", code: errno) }
        endOffset = 0
        do {
            // Two runs appending to one journal would interleave records; the lock dies with its process.
            // A POSIX record lock belongs to the process, so sessions reopened within one process (tests,
            // a sweep) never block on a handle of their own that is still being released.
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            guard fcntl(descriptor, F_SETLK, &lock) == 0 else {
                throw CacheBusyError(file: url.path)
            }
            if let afterHeader = try readHeader(expecting: metadata) {
                endOffset = try scanRecords(from: afterHeader)
                guard ftruncate(descriptor, off_t(endOffset)) == 0 else {
                    throw CacheIOError(file: url.path, operation: "truncating the torn tail of", code: errno)
                }
                try DurableFileOperations.sync(descriptor, file: url.path)
            } else {
                try startFresh(metadata: metadata)
            }
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Durably adds one entry: when this returns, a crash cannot lose it.
    func append(_ entry: RowJournalEntry<Row>) throws {
        guard descriptor >= 0 else {
            throw CacheRecordError(file: url.path, problem: "the journal was already closed by finish()")
        }
        let body = entry.encoded()
        let record = Self.frame(body)
        do {
            try DurableFileOperations.write(record, to: descriptor, at: endOffset, file: url.path)
            try DurableFileOperations.sync(descriptor, file: url.path)
        } catch {
            // Drop the partial record so the next append does not land after garbage.
            _ = ftruncate(descriptor, off_t(endOffset))
            throw error
        }
        locations[entry.path] = JournalEntryLocation(offset: endOffset, bodyLength: body.count, stamp: entry.stamp,
                                                     isFailure: entry.isFailure)
        endOffset += Int64(record.count)
    }

    /// Reads back the entry a location points at (checksum verified again).
    func entry(at location: JournalEntryLocation) throws -> RowJournalEntry<Row> {
        guard let body = try readRecordBody(at: location.offset), let entry = RowJournalEntry<Row>.decode(body[...]) else {
            throw CacheFormatError(file: url.path, problem: "the record at byte \(location.offset) changed while in use")
        }
        return entry
    }

    /// Closes and removes the journal once its content is safely in the final cache.
    func closeAndDelete() throws {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        guard unlink(url.path) == 0 || errno == ENOENT else {
            throw CacheIOError(file: url.path, operation: "deleting", code: errno)
        }
        try DurableFileOperations.syncDirectory(url.deletingLastPathComponent())
    }

    /// [u32 length][body][u32 crc]
    static func frame(_ body: [UInt8]) -> [UInt8] {
        var writer = JournalByteWriter()
        writer.append(UInt32(body.count))
        var record = writer.bytes
        record.append(contentsOf: body)
        var checksum = JournalByteWriter()
        checksum.append(CRC32.checksum(body))
        record.append(contentsOf: checksum.bytes)
        return record
    }

    /// The bytes of a fresh journal for `metadata`: magic plus header record.
    static func headerBytes(for metadata: Row.Settings) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(metadata)
        return magic + frame([JournalRecordKind.header] + Array(json))
    }

    // MARK: private

    private func startFresh(metadata: Row.Settings) throws {
        guard ftruncate(descriptor, 0) == 0 else {
            throw CacheIOError(file: url.path, operation: "resetting", code: errno)
        }
        let header = try Self.headerBytes(for: metadata)
        try DurableFileOperations.write(header, to: descriptor, at: 0, file: url.path)
        try DurableFileOperations.sync(descriptor, file: url.path)
        try DurableFileOperations.syncDirectory(url.deletingLastPathComponent())
        endOffset = Int64(header.count)
        locations = [:]
    }

    /// Returns the offset after a valid header, or nil when the header is missing or torn (start fresh).
    private func readHeader(expecting metadata: Row.Settings) throws -> Int64? {
        guard let magic = try DurableFileOperations.read(Self.magic.count, from: descriptor, at: 0, file: url.path)
        else { return nil }
        guard magic == Self.magic else {
            throw CacheFormatError(file: url.path, problem: "it does not start with the journal magic DFHJRNL1")
        }
        let headerOffset = Int64(Self.magic.count)
        guard let body = try readRecordBody(at: headerOffset), body.first == JournalRecordKind.header else { return nil }
        guard let stored = try? JSONDecoder().decode(Row.Settings.self, from: Data(body.dropFirst())) else {
            throw CacheFormatError(file: url.path, problem: "its header does not describe \(Row.Settings.cacheName) metadata")
        }
        let differences = stored.differences(from: metadata)
        guard differences.isEmpty else {
            throw CacheMetadataMismatchError(file: url.path, differences: differences)
        }
        return headerOffset + 8 + Int64(body.count)
    }

    /// Indexes records from `offset` on; returns where the valid ones end.
    private func scanRecords(from offset: Int64) throws -> Int64 {
        var position = offset
        while let body = try readRecordBody(at: position), let entry = RowJournalEntry<Row>.decode(body[...]) {
            locations[entry.path] = JournalEntryLocation(offset: position, bodyLength: body.count, stamp: entry.stamp,
                                                         isFailure: entry.isFailure)
            position += 8 + Int64(body.count)
        }
        return position
    }

    /// The body of the record at `offset`, or nil if it is incomplete or its checksum does not match.
    private func readRecordBody(at offset: Int64) throws -> [UInt8]? {
        guard let prefix = try DurableFileOperations.read(4, from: descriptor, at: offset, file: url.path) else { return nil }
        var reader = JournalByteReader(prefix[...])
        let length = Int(reader.read(UInt32.self)!)
        guard length > 0, length <= Self.maximumBodyLength,
              let rest = try DurableFileOperations.read(length + 4, from: descriptor, at: offset + 4, file: url.path)
        else { return nil }
        let body = Array(rest[0..<length])
        var checksumReader = JournalByteReader(rest[length...])
        guard checksumReader.read(UInt32.self) == CRC32.checksum(body) else { return nil }
        return body
    }
}

/// The embedding cache's journal.
typealias CacheJournal = RowJournal<CachedVideo>
