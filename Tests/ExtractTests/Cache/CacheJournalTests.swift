import Foundation
import Testing
@testable import Extract
import Shared

@Suite struct CacheJournalTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        // The CRC-32/ISO-HDLC check value (also zlib.crc32(b"123456789") in Python).
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func entriesRoundTripThroughTheirEncoding() {
        let video = CacheFixtures.extracted(CacheFixtures.wanted("fake/ü 1.mp4", seed: 3, split: "val"))
        #expect(JournalEntry.decode(JournalEntry.video(video).encoded()[...]) == .video(video))
        var noSplit = video
        noSplit.split = nil
        #expect(JournalEntry.decode(JournalEntry.video(noSplit).encoded()[...]) == .video(noSplit))
        let failure = CacheFailure(path: "real/x.avi", reason: "no video stream", bytes: 9, mtime: -1.5)
        #expect(JournalEntry.decode(JournalEntry.failure(failure).encoded()[...]) == .failure(failure))
        let encoded = JournalEntry.video(video).encoded()
        #expect(JournalEntry.decode(encoded.dropLast()) == nil)
        #expect(JournalEntry.decode((encoded + [0])[...]) == nil)
    }

    /// Journal bytes after each of three videos, from a run that never finished.
    private func journalAfterThreeVideos(in directory: URL) throws -> (cache: URL, full: [UInt8], lastStart: Int,
                                                                      wanted: [WantedVideo]) {
        let cache = directory.appendingPathComponent("toy/mobilenet_v2_f4.h5")
        let wanted = (0..<3).map { CacheFixtures.wanted("v\($0).mp4", seed: $0) }
        var session = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata())
        for video in wanted { try session.append(CacheFixtures.extracted(video)) }
        let full = try [UInt8](Data(contentsOf: CacheSchema.journalURL(for: cache)))
        let lastRecord = CacheJournal.frame(JournalEntry.video(CacheFixtures.extracted(wanted[2])).encoded())
        #expect(Array(full.suffix(lastRecord.count)) == lastRecord)
        return (cache, full, full.count - lastRecord.count, wanted)
    }

    @Test func truncatingTheLastRecordAtEveryByteKeepsAllEarlierRecords() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cache, full, lastStart, wanted) = try journalAfterThreeVideos(in: directory)
        let journalURL = CacheSchema.journalURL(for: cache)
        for cut in lastStart..<full.count {
            try Data(full[0..<cut]).write(to: journalURL)
            let session = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata())
            #expect(session.completedPaths == ["v0.mp4", "v1.mp4"], "cut at byte \(cut) of \(full.count)")
            #expect(session.needsExtraction(wanted[2]))
            // The torn tail is cut off so the next record follows the good ones.
            let size = try FileManager.default.attributesOfItem(atPath: journalURL.path)[.size] as? Int
            #expect(size == lastStart, "cut at byte \(cut)")
        }
        try Data(full).write(to: journalURL)
        let intact = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata())
        #expect(intact.completedPaths == ["v0.mp4", "v1.mp4", "v2.mp4"])
    }

    @Test func resumingAfterATornRecordGivesTheUninterruptedCache() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cache, full, lastStart, wanted) = try journalAfterThreeVideos(in: directory)
        let reference = directory.appendingPathComponent("reference/mobilenet_v2_f4.h5")
        try CacheFixtures.buildUninterrupted(at: reference, wanted: wanted)
        for cut in [lastStart, lastStart + 1, lastStart + 4, lastStart + 5, (lastStart + full.count) / 2, full.count - 1] {
            try Data(full[0..<cut]).write(to: CacheSchema.journalURL(for: cache))
            try? FileManager.default.removeItem(at: cache)
            var session = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata())
            #expect(session.pendingVideos(wanted) == [wanted[2]])
            for video in session.pendingVideos(wanted) { try session.append(CacheFixtures.extracted(video)) }
            try session.finish(keeping: wanted)
            try expectSameCacheContents(cache, reference)
            #expect(!FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: cache).path))
        }
    }

    @Test func aCorruptedByteInsideTheLastRecordIsDetected() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cache, full, lastStart, _) = try journalAfterThreeVideos(in: directory)
        for position in [lastStart + 2, lastStart + 30, full.count - 10, full.count - 1] {
            var damaged = full
            damaged[position] ^= 0x40
            try Data(damaged).write(to: CacheSchema.journalURL(for: cache))
            let session = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata())
            #expect(session.completedPaths == ["v0.mp4", "v1.mp4"], "flipped byte \(position)")
        }
    }

    @Test func aTornHeaderStartsAFreshJournal() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cache, full, _, _) = try journalAfterThreeVideos(in: directory)
        let header = try CacheJournal.headerBytes(for: CacheFixtures.metadata())
        #expect(Array(full.prefix(header.count)) == header)
        for cut in [0, 3, 8, 12, header.count - 1] {
            try Data(full[0..<cut]).write(to: CacheSchema.journalURL(for: cache))
            let session = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata())
            #expect(session.completedPaths.isEmpty, "cut at \(cut)")
        }
    }

    @Test func aJournalFromOtherSettingsIsRefused() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cache, _, _, _) = try journalAfterThreeVideos(in: directory)
        do {
            _ = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata(weights: "other"))
            Issue.record("a journal written with other weights was accepted")
        } catch let error as CacheMetadataMismatchError {
            #expect(error.file == CacheSchema.journalURL(for: cache).path)
            #expect(error.description.contains("weights_sha256: cache has b0353104, requested other"))
            #expect(error.description.contains("Delete"))
        }
        // A new tool version alone is compatible.
        let upgraded = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata(toolVersion: "9.9.9"))
        #expect(upgraded.completedPaths.count == 3)
    }
}

@Suite struct CacheJournalReferenceTests {
    /// The journal layout in docs/cache-format.md, checked by an independent Python reader.
    @Test func pythonReferenceReaderAgreesWithTheDocumentedLayout() throws {
        let script = PackagePaths.root.appendingPathComponent("scripts/reference/read_cache_journal.py")
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = directory.appendingPathComponent("toy/mobilenet_v2_f4.h5")
        let videos = [CacheFixtures.wanted("real/ä.mp4", seed: 2, split: "train"), CacheFixtures.wanted("fake/b.mp4", seed: 3)]
        let failure = CacheFailure(path: "fake/broken.mp4", reason: "no video stream", bytes: 77, mtime: 12.5)
        do {
            var session = try CacheWriteSession(cacheURL: cache, metadata: CacheFixtures.metadata())
            try session.append(CacheFixtures.extracted(videos[0]))
            try session.recordFailure(failure)
            try session.append(CacheFixtures.extracted(videos[1]))
        }
        let journalURL = CacheSchema.journalURL(for: cache)
        let intactBytes = try Data(contentsOf: journalURL).count
        // A torn record at the end, as a crash mid-write leaves it.
        let handle = try FileHandle(forWritingTo: journalURL)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([200, 0, 0, 0, 2, 9, 9]))
        try handle.close()

        let result = try runCommand("/usr/bin/env", ["python3", script.path, journalURL.path])
        #expect(result.status == 0, "python said: \(result.output)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(decoded["valid_bytes"] as? Int == intactBytes)
        let metadata = decoded["metadata"] as? [String: Any]
        #expect(metadata?["backbone"] as? String == "mobilenet_v2")
        #expect(metadata?["frames"] as? Int == CacheFixtures.frames)
        let entries = try #require(decoded["entries"] as? [[String: Any]])
        #expect(entries.count == 3)
        for (entry, wanted) in [(entries[0], videos[0]), (entries[2], videos[1])] {
            let video = CacheFixtures.extracted(wanted)
            #expect(entry["kind"] as? String == "video")
            #expect(entry["path"] as? String == video.path)
            #expect(entry["label"] as? Int == Int(video.label))
            #expect(entry["split"] as? String == video.split)
            #expect(entry["bytes"] as? Int == Int(video.bytes))
            #expect(entry["mtime"] as? Double == video.mtime)
            #expect(entry["total_frames"] as? Int == Int(video.totalFrames))
            #expect(entry["frame_indices"] as? [Int] == video.frameIndices.map(Int.init))
            #expect(entry["valid"] as? [Bool] == video.valid)
            #expect(entry["embeddings"] as? [Double] == video.embeddings.map(Double.init))
        }
        #expect(entries[2]["split"] is NSNull)
        #expect(entries[1]["kind"] as? String == "failure")
        #expect(entries[1]["path"] as? String == failure.path)
        #expect(entries[1]["reason"] as? String == failure.reason)
        #expect(entries[1]["bytes"] as? Int == 77)
        #expect(entries[1]["mtime"] as? Double == 12.5)
    }
}
