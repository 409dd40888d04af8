import Foundation
import Testing
import Shared
@testable import Extract

/// Zip-format checkpoints written at test time by scripts/reference/make_zip_checkpoint.py,
/// compared value by value with the arrays the script built them from.
@Suite struct ZipCheckpointTests {
    @Test func bareStateDict() throws {
        try WeightsTestSupport.checkGenerated([])
    }

    @Test func wrappedTrainingCheckpointWithZip64Records() throws {
        try WeightsTestSupport.checkGenerated(["--wrap", "--zip64", "--prefix", "mynet"])
    }

    /// Independent readers agree on the generated file too: the Python reference reader's statistics.
    @Test func pythonReferenceReaderAgrees() throws {
        let directory = try WeightsTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpointURL = directory.appendingPathComponent("synthetic.pt")
        let summaryURL = directory.appendingPathComponent("summary.json")
        let made = try WeightsTestSupport.python([WeightsTestSupport.script("make_zip_checkpoint.py").path,
                                                  checkpointURL.path, directory.appendingPathComponent("e.json").path])
        try #require(made.status == 0, "\(made.errors)")
        let read = try WeightsTestSupport.python([WeightsTestSupport.script("read_checkpoint.py").path,
                                                  checkpointURL.path, summaryURL.path])
        try #require(read.status == 0, "\(read.errors)")
        WeightsTestSupport.expectMatches(try Checkpoint.load(contentsOf: checkpointURL, pin: .unpinned),
                                         try WeightsTestSupport.summaries(summaryURL))
    }

    /// Writes a zip archive with python's zipfile: `entries` maps names to text contents.
    private func expectRejectedArchive(_ script: String, mentioning words: [String]) throws {
        let directory = try WeightsTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("archive.pt")
        let run = try WeightsTestSupport.python(["-c", "import sys, zipfile\n" + script, url.path])
        try #require(run.status == 0, "\(run.errors)")
        do {
            _ = try Checkpoint.load(contentsOf: url, pin: .unpinned)
            Issue.record("expected a CheckpointError")
        } catch let error as CheckpointError {
            #expect(error.description.contains(url.path), "\(error)")
            for word in words { #expect(error.description.contains(word), "\(error)") }
        }
    }

    @Test func torchScriptArchiveIsRejected() throws {
        try expectRejectedArchive("""
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('model/data.pkl', b'\\x80\\x02}q\\x00.')
                z.writestr('model/constants.pkl', b'\\x80\\x02).')
                z.writestr('model/code/__torch__.py', 'class Model: pass')
            """, mentioning: ["TorchScript", "torch.save(model.state_dict(), path)"])
    }

    @Test func compressedEntryIsRejected() throws {
        try expectRejectedArchive("""
            with zipfile.ZipFile(sys.argv[1], 'w', compression=zipfile.ZIP_DEFLATED) as z:
                z.writestr('archive/data.pkl', b'\\x80\\x02}q\\x00.' * 10)
            """, mentioning: ["compressed"])
    }

    @Test func zipWithoutDataPickleIsRejected() throws {
        try expectRejectedArchive("""
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('notes.txt', 'hello')
            """, mentioning: ["data.pkl"])
    }

    @Test func truncatedZipIsRejected() throws {
        let directory = try WeightsTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("synthetic.pt")
        let run = try WeightsTestSupport.python([WeightsTestSupport.script("make_zip_checkpoint.py").path,
                                                 url.path, directory.appendingPathComponent("e.json").path])
        try #require(run.status == 0, "\(run.errors)")
        let bytes = try Data(contentsOf: url)
        for length in [100, bytes.count / 2, bytes.count - 10] {
            try bytes.prefix(length).write(to: url)
            do {
                _ = try Checkpoint.load(contentsOf: url, pin: .unpinned)
                Issue.record("expected a CheckpointError for \(length) of \(bytes.count) bytes")
            } catch let error as CheckpointError {
                #expect(error.description.contains(url.path) && error.description.contains("truncated"), "\(error)")
            }
        }
    }
}
