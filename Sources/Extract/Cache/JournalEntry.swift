/// The kind bytes a journal record body starts with. Each row kind has its own (`CacheRow.journalKind`),
/// so a record can never be read back as another kind's row.
enum JournalRecordKind {
    static let header: UInt8 = 1
    static let embeddingVideo: UInt8 = 2
    static let failure: UInt8 = 3
    static let faceTrack: UInt8 = 4
}

/// One journal record's content: a finished video (a row) or a failure. Encoded little-endian as
/// [u8 kind][fields...]; framing and checksums are `RowJournal`'s job.
enum RowJournalEntry<Row: CacheRow>: Equatable {
    case video(Row)
    case failure(CacheFailure)

    var path: String {
        switch self {
        case .video(let video): video.path
        case .failure(let failure): failure.path
        }
    }

    var stamp: VideoFileStamp {
        switch self {
        case .video(let video): video.stamp
        case .failure(let failure): failure.stamp
        }
    }

    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }

    func encoded() -> [UInt8] {
        var writer = JournalByteWriter()
        switch self {
        case .video(let video):
            writer.append(Row.journalKind)
            video.encodeJournalFields(into: &writer)
        case .failure(let failure):
            writer.append(JournalRecordKind.failure)
            writer.append(failure.path)
            writer.append(failure.bytes)
            writer.append(failure.mtime)
            writer.append(failure.reason)
        }
        return writer.bytes
    }

    /// Decodes a record body; nil if it is not a complete, well-formed entry of this row kind.
    static func decode(_ body: ArraySlice<UInt8>) -> Self? {
        var reader = JournalByteReader(body)
        switch reader.read(UInt8.self) {
        case Row.journalKind:
            guard let video = Row.decodeJournalFields(from: &reader), reader.isAtEnd else { return nil }
            return .video(video)
        case JournalRecordKind.failure:
            guard let path = reader.readString(), let bytes = reader.read(Int64.self),
                  let mtime = reader.readDouble(), let reason = reader.readString(), reader.isAtEnd else { return nil }
            return .failure(CacheFailure(path: path, reason: reason, bytes: bytes, mtime: mtime))
        default:
            return nil
        }
    }
}

/// The embedding cache's journal entries.
typealias JournalEntry = RowJournalEntry<CachedVideo>
