import Foundation
import Testing
@testable import Extract
import Shared

@Suite struct FaceCacheTests {
    let dataset = [
        FaceCacheFixtures.wanted("real/b.mp4", seed: 2, split: "train", group: "id07"),
        FaceCacheFixtures.wanted("fake/a.mp4", seed: 1, split: "val", group: "id07"),
        FaceCacheFixtures.wanted("real/c d.mp4", seed: 4, split: "test"),
        FaceCacheFixtures.wanted("fake/z.mp4", seed: 7),
    ]

    private func cacheURL(_ directory: URL) -> URL {
        FaceCacheSchema.cacheURL(root: directory, dataset: "toy", frames: FaceCacheFixtures.frames)
    }

    @Test func appendFinishAndReadBackEveryField() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        #expect(url.path.hasSuffix("toy/faces_f4.h5"))
        try FaceCacheFixtures.buildUninterrupted(at: url, wanted: dataset, failing: ["real/c d.mp4"])
        #expect(!FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: url).path))
        #expect(!FileManager.default.fileExists(atPath: CacheSchema.temporaryURL(for: url).path))

        let reader = try FaceCacheReader(url: url)
        #expect(reader.metadata == FaceCacheFixtures.metadata())
        #expect(reader.records.map(\.path) == ["fake/a.mp4", "fake/z.mp4", "real/b.mp4"])
        for record in reader.records {
            let wanted = dataset.first { $0.path == record.path }!
            #expect(record == FaceCacheFixtures.tracked(wanted))
            #expect(reader.record(forPath: record.path) == record)
        }
        #expect(reader.record(forPath: "real/c d.mp4") == nil)
        #expect(reader.failures == [FaceCacheFixtures.failure(dataset[2])])
        let short = try #require(reader.record(forPath: "fake/a.mp4"))
        #expect(short.valid == [true, true, true, false] && short.track.found == [true, false, true, false])
        #expect(short.frameWidth == 360 && short.frameHeight == 640)
        #expect(short.group == "id07" && reader.record(forPath: "fake/z.mp4")?.group == nil)
        let sha = try runCommand("/usr/bin/sha256sum", [url.path]).output.prefix(64)
        #expect(reader.sha256 == String(sha))
        let date = ISO8601DateFormatter().date(from: reader.createdAt)
        #expect(date != nil && abs(date!.timeIntervalSinceNow) < 600)
    }

    @Test func theFileHoldsTheDocumentedDatasetsAndAttributes() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try FaceCacheFixtures.buildUninterrupted(at: url, wanted: dataset, failing: ["fake/z.mp4"])
        let file = try HDF5File.open(url)
        #expect(try file.dataset("boxes").shape() == [3, 4, 4])
        #expect(try file.dataset("landmarks").shape() == [3, 4, 5, 2])
        #expect(try file.dataset("frame_sizes").read(as: Int32.self) == [360, 640, 640, 360, 640, 360])
        #expect(try file.dataset("face_found").read(as: UInt8.self) == [1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1])
        #expect(try file.dataset("groups").readStrings() == ["id07", "id07", ""])
        #expect(try file.stringAttribute("kind") == "face-tracks")
        #expect(try file.attribute("detection_max_side", as: Int64.self) == 1280)
        #expect(try file.arrayAttribute("detector_thresholds", as: Float.self) == [0.6, 0.7, 0.7])
        #expect(try file.stringAttribute("weights_sha256_pnet") == "a2a71925")
        #expect(try file.attribute("tracking_seed_confidence", as: Float.self) == 0.99)
        #expect(try file.stringAttribute("tracking").hasPrefix(FaceTracking.algorithm))
        try file.close()
        let dump = try faceCacheDump(url)
        for name in ["videos", "labels", "splits", "frame_indices", "valid", "boxes", "scores", "landmarks", "face_found",
                     "frame_sizes", "total_frames", "video_bytes", "video_mtimes", "failures", "format_version",
                     "sampling_policy", "detector", "detector_min_face_size", "detector_scale_factor",
                     "weights_sha256_rnet", "weights_sha256_onet", "tracking_algorithm", "tracking_max_centre_shift",
                     "tracking_max_size_change", "tool_version", "created_at", "dataset", "frames"] {
            #expect(dump.contains("\"\(name)\""), "h5dump output lacks \(name)")
        }
    }

    @Test func aRunKilledMidJournalResumesToTheSameFileAtEveryTornByte() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = directory.appendingPathComponent("reference/faces_f4.h5")
        try FaceCacheFixtures.buildUninterrupted(at: reference, wanted: dataset, failing: ["fake/z.mp4"])
        let expected = try faceCacheDump(reference)
        #expect(expected.contains("DATASET \"landmarks\"") && expected.contains("CHUNKED ( 3, 4, 5, 2 )"))

        // The killed run: two videos and a failure journalled, then the process is gone (no finish).
        let url = cacheURL(directory)
        let journalURL = CacheSchema.journalURL(for: url)
        do {
            var killed = try FaceCacheWriteSession(cacheURL: url, metadata: FaceCacheFixtures.metadata())
            try killed.append(FaceCacheFixtures.tracked(dataset[0]))
            try killed.recordFailure(FaceCacheFixtures.failure(dataset[3]))
            try killed.append(FaceCacheFixtures.tracked(dataset[1]))
        }
        let full = try [UInt8](Data(contentsOf: journalURL))
        let lastRecord = RowJournal<FaceTrackRecord>.frame(
            RowJournalEntry<FaceTrackRecord>.video(FaceCacheFixtures.tracked(dataset[1])).encoded())
        let lastStart = full.count - lastRecord.count
        #expect(Array(full.suffix(lastRecord.count)) == lastRecord)
        // Torn anywhere inside its last record (a crash mid-write), the journal keeps the earlier two.
        for cut in Array(lastStart..<full.count) + [full.count] {
            try Data(full[0..<cut]).write(to: journalURL)
            var resumed = try FaceCacheWriteSession(cacheURL: url, metadata: FaceCacheFixtures.metadata())
            let intact = cut == full.count
            #expect(resumed.completedPaths == Set(["real/b.mp4", "fake/z.mp4"] + (intact ? ["fake/a.mp4"] : [])),
                    "cut at byte \(cut)")
            let pending = dataset.filter(resumed.needsExtraction)
            #expect(pending.map(\.path) == (intact ? [] : ["fake/a.mp4"]) + ["real/c d.mp4"], "cut at byte \(cut)")
            // Only a few cuts go all the way to a final file: assembling is the slow part.
            guard [lastStart, lastStart + 5, (lastStart + full.count) / 2, full.count - 1, full.count].contains(cut)
            else { continue }
            for video in pending { try resumed.append(FaceCacheFixtures.tracked(video)) }
            try Data("half-written".utf8).write(to: CacheSchema.temporaryURL(for: url))  // a crash inside finish
            try resumed.finish(keeping: dataset)
            #expect(try faceCacheDump(url) == expected, "cut at byte \(cut)")
            #expect(!FileManager.default.fileExists(atPath: journalURL.path))
            try FileManager.default.removeItem(at: url)
        }
    }

    @Test func aCrashAfterTheRenameBeforeTheJournalIsDeletedIsHarmless() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        var session = try FaceCacheWriteSession(cacheURL: url, metadata: FaceCacheFixtures.metadata())
        for video in dataset { try session.append(FaceCacheFixtures.tracked(video)) }
        let journal = try Data(contentsOf: CacheSchema.journalURL(for: url))
        try session.finish(keeping: dataset)
        let expected = try faceCacheDump(url)
        try journal.write(to: CacheSchema.journalURL(for: url))  // as if unlink never happened
        #expect(!FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: FaceCacheFixtures.metadata(), videos: dataset))
        let resumed = try FaceCacheWriteSession(cacheURL: url, metadata: FaceCacheFixtures.metadata())
        #expect(dataset.allSatisfy { !resumed.needsExtraction($0) })
        try resumed.finish(keeping: dataset)
        #expect(try faceCacheDump(url) == expected)
        #expect(FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: FaceCacheFixtures.metadata(), videos: dataset))
    }

    @Test func unchangedVideosAreReusedChangedOnesRedoneAndDeletedOnesDropped() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        let metadata = FaceCacheFixtures.metadata()
        try FaceCacheFixtures.buildUninterrupted(at: url, wanted: dataset, failing: ["fake/z.mp4"])
        #expect(FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: dataset.reversed()))
        #expect(FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: FaceCacheFixtures.metadata(toolVersion: "2.0"),
                                                 videos: dataset))

        // c is deleted, b's file is replaced, n is new, a moves to another group; z failed and is unchanged.
        var regrouped = dataset[1]
        regrouped.group = "id99"
        let changedB = FaceCacheFixtures.wanted("real/b.mp4", seed: 12, split: "train", group: "id07")
        let updated = [regrouped, changedB, dataset[3], FaceCacheFixtures.wanted("fake/new.mp4", seed: 5)]
        #expect(!FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: updated))
        #expect(!FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: [regrouped] + dataset.dropFirst(2)
                                                  + [dataset[0]]))
        var session = try FaceCacheWriteSession(cacheURL: url, metadata: metadata)
        #expect(updated.filter(session.needsExtraction).map(\.path) == ["real/b.mp4", "fake/new.mp4"])
        for video in updated where session.needsExtraction(video) {
            try session.append(FaceCacheFixtures.tracked(video))
        }
        try session.finish(keeping: updated)

        let reference = directory.appendingPathComponent("reference/faces_f4.h5")
        try FaceCacheFixtures.buildUninterrupted(at: reference, wanted: updated, failing: ["fake/z.mp4"])
        #expect(try faceCacheDump(url) == faceCacheDump(reference))
        let reader = try FaceCacheReader(url: url)
        #expect(reader.records.map(\.path) == ["fake/a.mp4", "fake/new.mp4", "real/b.mp4"])
        #expect(reader.record(forPath: "fake/a.mp4")?.group == "id99")
        #expect(reader.record(forPath: "real/b.mp4") == FaceCacheFixtures.tracked(changedB))
        #expect(FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: updated))
    }

    @Test func otherSettingsAreRefusedNamingTheAttribute() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try FaceCacheFixtures.buildUninterrupted(at: url, wanted: dataset)
        let before = try Data(contentsOf: url)
        let others: [(FaceCacheMetadata, String)] = [
            (FaceCacheFixtures.metadata(detectionMaxSide: 960), "detection_max_side: cache has 1280, requested 960"),
            (FaceCacheFixtures.metadata(pnet: "ffff"), "weights_sha256_pnet: cache has a2a71925, requested ffff"),
            (FaceCacheFixtures.metadata(tracking: FaceTrackingSettings(seedConfidence: 0.8)),
             "tracking_seed_confidence: cache has 0.99, requested 0.8"),
        ]
        for (other, expected) in others {
            #expect(!FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: other, videos: dataset))
            let error = #expect(throws: CacheMetadataMismatchError.self) {
                try FaceCacheWriteSession(cacheURL: url, metadata: other)
            }
            #expect(error?.differences == [expected])
            #expect(error?.description.contains(url.path) == true && error?.description.contains("Delete") == true)
        }
        #expect(try Data(contentsOf: url) == before)

        // A journal left by a killed run with other settings is refused the same way.
        let journalled = directory.appendingPathComponent("journalled/faces_f4.h5")
        do {
            var killed = try FaceCacheWriteSession(cacheURL: journalled, metadata: FaceCacheFixtures.metadata())
            try killed.append(FaceCacheFixtures.tracked(dataset[0]))
        }
        let error = #expect(throws: CacheMetadataMismatchError.self) {
            try FaceCacheWriteSession(cacheURL: journalled, metadata: FaceCacheFixtures.metadata(detectionMaxSide: 0))
        }
        #expect(error?.file == CacheSchema.journalURL(for: journalled).path)
        let upgraded = try FaceCacheWriteSession(cacheURL: journalled, metadata: FaceCacheFixtures.metadata(toolVersion: "9"))
        #expect(upgraded.completedPaths == ["real/b.mp4"])
    }

    @Test func appendRefusesRecordsTheReaderWouldRefuse() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var session = try FaceCacheWriteSession(cacheURL: cacheURL(directory), metadata: FaceCacheFixtures.metadata())
        let good = FaceCacheFixtures.tracked(dataset[0])
        var fewerSlots = good
        fewerSlots.track.scores.removeLast()
        var nanBox = good
        nanBox.track.boxes[2].y2 = .nan
        var foundNowhere = good
        foundNowhere.track.found = [false, false, false, false]
        foundNowhere.track.scores = [0, 0, 0, 0]
        for (bad, expected) in [(fewerSlots, "expected 4 each"), (nanBox, "/boxes slot 2"), (foundNowhere, "no slot as found")] {
            let error = #expect(throws: CacheRecordError.self) { try session.append(bad) }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains("'real/b.mp4'") == true)
        }
        #expect(session.completedPaths.isEmpty)
        try session.append(good)
    }

    @Test func journalRecordsRoundTripAndRefuseTornBytes() {
        var record = FaceCacheFixtures.tracked(FaceCacheFixtures.wanted("fake/ü 1.mp4", seed: 3, split: "val", group: "g"))
        typealias Entry = RowJournalEntry<FaceTrackRecord>
        #expect(Entry.decode(Entry.video(record).encoded()[...]) == .video(record))
        record.split = nil
        record.group = nil
        let encoded = Entry.video(record).encoded()
        #expect(Entry.decode(encoded[...]) == .video(record))
        #expect(Entry.decode(encoded.dropLast()) == nil)
        #expect(Entry.decode((encoded + [0])[...]) == nil)
        // An embedding record is never read as a face track, nor the other way round.
        let video = CacheFixtures.extracted(CacheFixtures.wanted("a.mp4", seed: 2))
        #expect(Entry.decode(JournalEntry.video(video).encoded()[...]) == nil)
        #expect(JournalEntry.decode(encoded[...]) == nil)
    }

    @Test func anEmptyDatasetGivesAnEmptyButValidCache() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try FaceCacheFixtures.buildUninterrupted(at: url, wanted: [])
        let reader = try FaceCacheReader(url: url)
        #expect(reader.videoCount == 0 && reader.failures.isEmpty)
        #expect(FaceCacheWriteSession.isUpToDate(cacheURL: url, metadata: FaceCacheFixtures.metadata(), videos: []))
    }
}

@Suite struct FaceCacheJournalReferenceTests {
    /// The face-track record layout in docs/face-cache-format.md, checked by the independent Python reader.
    @Test func pythonReferenceReaderAgreesWithTheDocumentedLayout() throws {
        let script = PackagePaths.root.appendingPathComponent("scripts/reference/read_cache_journal.py")
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = FaceCacheSchema.cacheURL(root: directory, dataset: "toy", frames: FaceCacheFixtures.frames)
        let videos = [FaceCacheFixtures.wanted("real/ä.mp4", seed: 2, split: "train", group: "id3"),
                      FaceCacheFixtures.wanted("fake/b.mp4", seed: 3)]
        do {
            var session = try FaceCacheWriteSession(cacheURL: cache, metadata: FaceCacheFixtures.metadata())
            for video in videos { try session.append(FaceCacheFixtures.tracked(video)) }
            try session.recordFailure(FaceCacheFixtures.failure(FaceCacheFixtures.wanted("none.mp4", seed: 8)))
        }
        let result = try runCommand("/usr/bin/env", ["python3", script.path, CacheSchema.journalURL(for: cache).path])
        #expect(result.status == 0, "python said: \(result.output)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let metadata = decoded["metadata"] as? [String: Any]
        #expect(metadata?["detectionMaxSide"] as? Int == 1280)
        #expect((metadata?["tracking"] as? [String: Any])?["seedConfidence"] as? Double == 0.99)
        let entries = try #require(decoded["entries"] as? [[String: Any]])
        #expect(entries.map { $0["kind"] as? String } == ["face-track", "face-track", "failure"])
        for (entry, wanted) in zip(entries, videos) {
            let record = FaceCacheFixtures.tracked(wanted)
            #expect(entry["path"] as? String == record.path)
            #expect(entry["label"] as? Int == Int(record.label))
            #expect(entry["split"] as? String == record.split && entry["group"] as? String == record.group)
            #expect(entry["bytes"] as? Int == Int(record.bytes) && entry["mtime"] as? Double == record.mtime)
            #expect(entry["total_frames"] as? Int == Int(record.totalFrames))
            #expect(entry["frame_size"] as? [Int] == [Int(record.frameWidth), Int(record.frameHeight)])
            #expect(entry["frame_indices"] as? [Int] == record.frameIndices.map(Int.init))
            #expect(entry["valid"] as? [Bool] == record.valid)
            #expect(entry["face_found"] as? [Bool] == record.track.found)
            // Compared as float32: Foundation's JSON parser may be off in the last digits of a double.
            func floats(_ key: String) -> [[Float]]? {
                (entry[key] as? [[Double]])?.map { $0.map(Float.init) } ?? (entry[key] as? [Double]).map { [$0.map(Float.init)] }
            }
            #expect(floats("scores") == [record.track.scores])
            #expect(floats("boxes") == record.track.boxes.map { [$0.x1, $0.y1, $0.x2, $0.y2] })
            #expect(floats("landmarks") == record.track.landmarks.map { $0.flatMap { [$0.x, $0.y] } })
        }
        #expect(entries[1]["split"] is NSNull && entries[1]["group"] is NSNull)
    }
}

@Suite struct FaceCacheDocumentationTests {
    /// Optional, when h5py is installed: the h5py snippet of docs/face-cache-format.md runs on a real cache.
    @Test func theDocumentedH5pySnippetRuns() throws {
        guard try runCommand("/usr/bin/env", ["python3", "-c", "import h5py"]).status == 0 else { return }
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = FaceCacheSchema.cacheURL(root: directory, dataset: "CelebDF", frames: FaceCacheFixtures.frames)
        let videos = [FaceCacheFixtures.wanted("a.mp4", seed: 2), FaceCacheFixtures.wanted("b.mp4", seed: 1),
                      FaceCacheFixtures.wanted("c.mp4", seed: 3)]
        try FaceCacheFixtures.buildUninterrupted(at: url, wanted: videos, failing: ["c.mp4"])
        let doc = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/face-cache-format.md"), encoding: .utf8)
        let afterHeading = try #require(doc.range(of: "## Reading with h5py")).upperBound
        let start = try #require(doc.range(of: "```python\n", range: afterHeading..<doc.endIndex)).upperBound
        let end = try #require(doc.range(of: "```", range: start..<doc.endIndex)).lowerBound
        let snippet = doc[start..<end].replacingOccurrences(of: "cache/CelebDF/faces_f32.h5", with: url.path)
            + "print(videos.tolist(), boxes.shape, int(width), int(height), eyes.shape, failed)\n"
        let result = try runCommand("/usr/bin/env", ["python3", "-c", snippet])
        #expect(result.status == 0, "python said: \(result.output)")
        // a.mp4: 3 of 4 slots found; b.mp4: 2 of its 3 frames.
        #expect(result.output.contains("71.4% of sampled frames have a detected face"), "\(result.output)")
        #expect(result.output.contains("['a.mp4', 'b.mp4'] (2, 4, 4) 640 360 (4, 2, 2)"), "\(result.output)")
        #expect(result.output.contains("{'c.mp4': 'no face in any of the 4 sampled frames'}"), "\(result.output)")
    }
}
