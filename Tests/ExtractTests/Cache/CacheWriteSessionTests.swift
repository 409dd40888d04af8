import Foundation
import Testing
@testable import Extract
import Shared

@Suite struct CacheWriteSessionTests {
    let dataset = [
        CacheFixtures.wanted("real/b.mp4", seed: 2, split: "train"),
        CacheFixtures.wanted("fake/a.mp4", seed: 1, split: "val"),
        CacheFixtures.wanted("real/c d.mp4", seed: 4, split: "test"),
        CacheFixtures.wanted("fake/z.mp4", seed: 7, split: nil),
    ]

    private func cacheURL(_ directory: URL) -> URL {
        CacheSchema.cacheURL(root: directory, dataset: "toy", backbone: "mobilenet_v2", frames: CacheFixtures.frames)
    }

    @Test func appendFinishAndReadBackEveryField() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        #expect(url.path.hasSuffix("toy/mobilenet_v2_f4.h5"))
        try CacheFixtures.buildUninterrupted(at: url, wanted: dataset, failing: ["real/c d.mp4"])
        #expect(!FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: url).path))
        #expect(!FileManager.default.fileExists(atPath: CacheSchema.temporaryURL(for: url).path))

        let reader = try EmbeddingCacheReader(url: url)
        #expect(reader.metadata == CacheFixtures.metadata())
        #expect(reader.videoPaths == ["fake/a.mp4", "fake/z.mp4", "real/b.mp4"])
        #expect(reader.splits == ["val", "", "train"])
        #expect(reader.failures == [CacheFailure(path: "real/c d.mp4", reason: "decoder error: real/c d.mp4",
                                                 bytes: 1004, mtime: 1_700_000_004.25)])
        for index in 0..<reader.videoCount {
            let wanted = dataset.first { $0.path == reader.videoPaths[index] }!
            #expect(try reader.video(at: index) == CacheFixtures.extracted(wanted))
            #expect(try reader.embeddings(at: index) == CacheFixtures.extracted(wanted).embeddings)
        }
        #expect(reader.labels == [1, 1, 0])
        #expect(reader.totalFrames == [3, 3, 102])
        #expect(try reader.frameIndices(at: 0) == [1, 11, 21, -1])
        #expect(try reader.valid(at: 0) == [true, true, true, false])
        let date = ISO8601DateFormatter().date(from: reader.createdAt)
        #expect(date != nil && abs(date!.timeIntervalSinceNow) < 600)
    }

    @Test func embeddingsAreChunkedOneVideoPerChunk() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try CacheFixtures.buildUninterrupted(at: url, wanted: dataset)
        let dump = try runCommand("/usr/bin/h5dump", ["-p", "-H", url.path])
        #expect(dump.status == 0)
        #expect(dump.output.contains("CHUNKED ( 1, 4, 8 )"), "h5dump said: \(dump.output)")
        #expect(dump.output.contains("DATASET \"embeddings\""))
        #expect(dump.output.contains("H5T_IEEE_F32LE"))
        for name in ["labels", "videos", "frame_indices", "valid", "video_bytes", "video_mtimes", "total_frames",
                     "splits", "failures", "format_version", "weights_sha256", "sampling_policy", "created_at"] {
            #expect(dump.output.contains("\"\(name)\""), "h5dump output lacks \(name)")
        }
    }

    @Test func anInterruptedRunResumesWithoutRedoingAndMatchesAnUninterruptedRun() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = directory.appendingPathComponent("reference/toy.h5")
        try CacheFixtures.buildUninterrupted(at: reference, wanted: dataset, failing: ["fake/z.mp4"])

        let url = cacheURL(directory)
        do {
            // First run is killed after two videos: no finish, the session just disappears.
            var first = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
            try first.append(CacheFixtures.extracted(dataset[0]))
            try first.recordFailure(CacheFailure(path: "fake/z.mp4", reason: "decoder error: fake/z.mp4",
                                                 bytes: dataset[3].bytes, mtime: dataset[3].mtime))
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        var second = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
        #expect(second.completedPaths == ["real/b.mp4", "fake/z.mp4"])
        let pending = second.pendingVideos(dataset)
        #expect(pending.map(\.path) == ["fake/a.mp4", "real/c d.mp4"])
        for video in pending { try second.append(CacheFixtures.extracted(video)) }
        // A leftover temporary file from a crash inside an earlier finish must not matter.
        try Data("half-written".utf8).write(to: CacheSchema.temporaryURL(for: url))
        try second.finish(keeping: dataset)
        try expectSameCacheContents(url, reference)
        #expect(throws: CacheRecordError.self) { try second.append(CacheFixtures.extracted(dataset[0])) }
    }

    @Test func aCrashAfterTheRenameButBeforeTheJournalIsDeletedIsHarmless() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = directory.appendingPathComponent("reference/toy.h5")
        try CacheFixtures.buildUninterrupted(at: reference, wanted: dataset)
        let url = cacheURL(directory)
        var session = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
        for video in dataset { try session.append(CacheFixtures.extracted(video)) }
        let journal = try Data(contentsOf: CacheSchema.journalURL(for: url))
        try session.finish(keeping: dataset)
        try journal.write(to: CacheSchema.journalURL(for: url))  // as if unlink never happened

        #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: CacheFixtures.metadata(), videos: dataset))
        let resumed = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
        #expect(resumed.pendingVideos(dataset).isEmpty)
        try resumed.finish(keeping: dataset)
        try expectSameCacheContents(url, reference)
        #expect(CacheWriteSession.isUpToDate(cacheURL: url, metadata: CacheFixtures.metadata(), videos: dataset))
    }

    @Test func updatingAppendsNewDropsDeletedAndReextractsChanged() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try CacheFixtures.buildUninterrupted(at: url, wanted: dataset, failing: ["fake/z.mp4"])

        // The dataset changes: c is deleted, b's file is replaced (new size and content), n is new,
        // a's label is corrected; the failed z is unchanged and must not be retried.
        var changedB = CacheFixtures.wanted("real/b.mp4", seed: 12, split: "train")
        changedB.label = 0
        var relabelledA = dataset[1]
        relabelledA.label = 0
        let updated = [relabelledA, changedB, dataset[3], CacheFixtures.wanted("fake/new.mp4", seed: 5, split: "train")]

        #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: CacheFixtures.metadata(), videos: updated))
        var session = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
        let pending = session.pendingVideos(updated)
        #expect(pending.map(\.path) == ["real/b.mp4", "fake/new.mp4"])
        for video in pending { try session.append(CacheFixtures.extracted(video)) }
        try session.finish(keeping: updated)

        let reference = directory.appendingPathComponent("reference/toy.h5")
        try CacheFixtures.buildUninterrupted(at: reference, wanted: updated, failing: ["fake/z.mp4"])
        try expectSameCacheContents(url, reference)
        let reader = try EmbeddingCacheReader(url: url)
        #expect(reader.videoPaths == ["fake/a.mp4", "fake/new.mp4", "real/b.mp4"])
        #expect(reader.labels == [0, 1, 0])
        #expect(try reader.embeddings(at: 2) == CacheFixtures.extracted(changedB).embeddings)
        #expect(reader.failures.map(\.path) == ["fake/z.mp4"])
        #expect(CacheWriteSession.isUpToDate(cacheURL: url, metadata: CacheFixtures.metadata(), videos: updated))
    }

    @Test func isUpToDateNoticesEveryKindOfChange() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        let metadata = CacheFixtures.metadata()
        #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: dataset))
        try CacheFixtures.buildUninterrupted(at: url, wanted: dataset, failing: ["fake/z.mp4"])
        #expect(CacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: dataset))
        #expect(CacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: dataset.reversed()))
        #expect(CacheWriteSession.isUpToDate(cacheURL: url, metadata: CacheFixtures.metadata(toolVersion: "2.0"),
                                             videos: dataset))
        #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: CacheFixtures.metadata(weights: "x"),
                                              videos: dataset))
        #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: Array(dataset.dropLast())))
        #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata,
                                              videos: dataset + [CacheFixtures.wanted("new.mp4", seed: 9)]))
        for field in 0..<4 {
            var changed = dataset
            switch field {
            case 0: changed[0].bytes += 1
            case 1: changed[0].mtime += 0.5
            case 2: changed[0].label = 1 - changed[0].label
            default: changed[3].mtime += 1  // the failed video changed: retry it
            }
            #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: changed), "field \(field)")
        }
        var resplit = dataset
        resplit[2].split = "train"
        #expect(!CacheWriteSession.isUpToDate(cacheURL: url, metadata: metadata, videos: resplit))
    }

    @Test func aCacheBuiltWithOtherSettingsIsRefusedWithAFix() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try CacheFixtures.buildUninterrupted(at: url, wanted: dataset)
        let before = try Data(contentsOf: url)
        for other in [CacheFixtures.metadata(backbone: "efficientnet_lite0"), CacheFixtures.metadata(weights: "abc")] {
            do {
                _ = try CacheWriteSession(cacheURL: url, metadata: other)
                Issue.record("mismatched metadata was accepted")
            } catch let error as CacheMetadataMismatchError {
                #expect(error.file == url.path)
                #expect(error.description.contains(url.path))
                #expect(error.description.contains("Delete"))
                #expect(error.differences.count == 1)
            }
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(!FileManager.default.fileExists(atPath: CacheSchema.journalURL(for: url).path))
    }

    @Test func aSessionWhileAnotherProcessHoldsTheJournalIsRefused() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        do {  // a run that journaled one video and ended (its descriptor closed at the end of this scope)
            var first = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
            try first.append(CacheFixtures.extracted(dataset[0]))
        }
        // Another process (as a second `extract` would) takes the journal's POSIX lock and keeps it.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import fcntl, sys, time
            f = open(sys.argv[1], "r+"); fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print("locked", flush=True); time.sleep(60)
            """, CacheSchema.journalURL(for: url).path]
        let output = Pipe()
        holder.standardOutput = output
        try holder.runFenced()
        defer { holder.terminate() }
        let said = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)  // waits for the holder
        try #require(said.hasPrefix("locked"), "the python lock holder did not start")
        #expect(throws: CacheBusyError.self) { try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata()) }
        holder.terminate()
        holder.waitUntilExit()
        // The lock died with its process: the next run resumes the journal.
        let next = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
        #expect(next.pendingVideos(dataset).count == 3)
    }

    @Test func finishRefusesVideosThatWereNeverExtracted() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        var session = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
        try session.append(CacheFixtures.extracted(dataset[0]))
        #expect(throws: CacheIncompleteError.self) { try session.finish(keeping: dataset) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(session.completedPaths == ["real/b.mp4"])
    }

    @Test func appendRejectsResultsOfTheWrongShape() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var session = try CacheWriteSession(cacheURL: cacheURL(directory), metadata: CacheFixtures.metadata())
        var video = CacheFixtures.extracted(dataset[0])
        video.embeddings.removeLast()
        #expect(throws: CacheRecordError.self) { try session.append(video) }
        #expect(session.completedPaths.isEmpty)
    }

    @Test func anEmptyDatasetGivesAnEmptyButValidCache() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try CacheFixtures.buildUninterrupted(at: url, wanted: [])
        let reader = try EmbeddingCacheReader(url: url)
        #expect(reader.videoCount == 0)
        #expect(reader.splits == nil)
        #expect(reader.failures.isEmpty)
        #expect(CacheWriteSession.isUpToDate(cacheURL: url, metadata: CacheFixtures.metadata(), videos: []))
    }

    @Test func aDamagedCacheFileIsReportedNotOverwritten() throws {
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("garbage".utf8).write(to: url)
        do {
            _ = try CacheWriteSession(cacheURL: url, metadata: CacheFixtures.metadata())
            Issue.record("a damaged cache was accepted")
        } catch let error as DiagnosedError {
            #expect(error.description.contains(url.path))
        }
    }

    /// Optional: a researcher's h5py view of the cache, when h5py is installed.
    @Test func h5pyReadsTheCacheAsDocumented() throws {
        guard try runCommand("/usr/bin/env", ["python3", "-c", "import h5py"]).status == 0 else { return }
        let directory = try CacheFixtures.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = cacheURL(directory)
        try CacheFixtures.buildUninterrupted(at: url, wanted: dataset, failing: ["real/c d.mp4"])
        let script = """
        import h5py, json, sys
        with h5py.File(sys.argv[1], "r") as f:
            e = f["embeddings"]
            videos = [v.decode() for v in f["videos"][:]]
            print(json.dumps({
                "shape": list(e.shape), "chunks": list(e.chunks), "maxshape": [m for m in e.maxshape],
                "videos": videos,
                "first": e[0].ravel().tolist(),
                "labels": f["labels"][:].tolist(), "valid": f["valid"][0].tolist(),
                "frame_indices": f["frame_indices"][0].tolist(),
                "failures": [v.decode() for v in f["failures/videos"][:]],
                "backbone": f.attrs["backbone"], "frames": int(f.attrs["frames"]),
                "format_version": int(f.attrs["format_version"]),
            }))
        """
        let result = try runCommand("/usr/bin/env", ["python3", "-c", script, url.path])
        #expect(result.status == 0, "python said: \(result.output)")
        let decoded = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(decoded?["shape"] as? [Int] == [3, 4, 8])
        #expect(decoded?["chunks"] as? [Int] == [1, 4, 8])
        #expect(decoded?["videos"] as? [String] == ["fake/a.mp4", "fake/z.mp4", "real/b.mp4"])
        let expected = CacheFixtures.extracted(dataset[1]).embeddings.map(Double.init)
        #expect(decoded?["first"] as? [Double] == expected)
        #expect(decoded?["labels"] as? [Int] == [1, 1, 0])
        #expect(decoded?["valid"] as? [Int] == [1, 1, 1, 0])
        #expect(decoded?["frame_indices"] as? [Int] == [1, 11, 21, -1])
        #expect(decoded?["failures"] as? [String] == ["real/c d.mp4"])
        #expect(decoded?["backbone"] as? String == "mobilenet_v2")
        #expect(decoded?["frames"] as? Int == 4)
        #expect(decoded?["format_version"] as? Int == 1)
    }
}

func runCommand(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.runFenced()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
