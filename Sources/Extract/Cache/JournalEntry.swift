/// One journal record's content: a finished video or a failure. Encoded little-endian as
/// [u8 kind][fields...]; framing and checksums are `CacheJournal`'s job.
enum JournalEntry: Equatable {
    case video(CachedVideo)
    case failure(CacheFailure)

    static let headerKind: UInt8 = 1
    static let videoKind: UInt8 = 2
    static let failureKind: UInt8 = 3

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
            writer.append(Self.videoKind)
            writer.append(video.path)
            writer.append(video.label)
            writer.append(UInt8(video.split == nil ? 0 : 1))
            writer.append(video.split ?? "")
            writer.append(video.bytes)
            writer.append(video.mtime)
            writer.append(video.totalFrames)
            writer.append(UInt32(video.frameIndices.count))
            writer.append(UInt32(video.embeddings.count))
            for index in video.frameIndices { writer.append(index) }
            for isValid in video.valid { writer.append(UInt8(isValid ? 1 : 0)) }
            writer.append(video.embeddings)
        case .failure(let failure):
            writer.append(Self.failureKind)
            writer.append(failure.path)
            writer.append(failure.bytes)
            writer.append(failure.mtime)
            writer.append(failure.reason)
        }
        return writer.bytes
    }

    /// Decodes a record body; nil if it is not a complete, well-formed entry.
    static func decode(_ body: ArraySlice<UInt8>) -> JournalEntry? {
        var reader = JournalByteReader(body)
        switch reader.read(UInt8.self) {
        case videoKind:
            guard let path = reader.readString(), let label = reader.read(Int8.self),
                  let hasSplit = reader.read(UInt8.self), let split = reader.readString(),
                  let bytes = reader.read(Int64.self), let mtime = reader.readDouble(),
                  let totalFrames = reader.read(Int32.self),
                  let frames = reader.read(UInt32.self).map(Int.init),
                  let embeddingCount = reader.read(UInt32.self).map(Int.init) else { return nil }
            var frameIndices: [Int32] = []
            frameIndices.reserveCapacity(frames)
            for _ in 0..<frames {
                guard let index = reader.read(Int32.self) else { return nil }
                frameIndices.append(index)
            }
            var valid: [Bool] = []
            valid.reserveCapacity(frames)
            for _ in 0..<frames {
                guard let flag = reader.read(UInt8.self) else { return nil }
                valid.append(flag != 0)
            }
            guard let embeddings = reader.readFloats(count: embeddingCount), reader.isAtEnd else { return nil }
            return .video(CachedVideo(path: path, label: label, split: hasSplit == 0 ? nil : split, bytes: bytes,
                                      mtime: mtime, totalFrames: totalFrames, frameIndices: frameIndices,
                                      valid: valid, embeddings: embeddings))
        case failureKind:
            guard let path = reader.readString(), let bytes = reader.read(Int64.self),
                  let mtime = reader.readDouble(), let reason = reader.readString(), reader.isAtEnd else { return nil }
            return .failure(CacheFailure(path: path, reason: reason, bytes: bytes, mtime: mtime))
        default:
            return nil
        }
    }
}
