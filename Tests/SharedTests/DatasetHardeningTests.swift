import Foundation
import Testing
@testable import Shared

/// Listings that would leak a video between splits, follow links out of the dataset, record a link's own
/// size, or drop files without a word.
@Suite struct DatasetHardeningTests {
    let data: DatasetMiniature
    var root: URL { data.dataDir.appendingPathComponent("D") }

    init() throws {
        data = try DatasetMiniature()
    }

    private func link(_ relative: String, to destination: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: destination)
    }

    @Test func oneFileUnderThreeSpellingsIsRefusedNamingBothLines() throws {
        try data.touch(["real/a.mp4", "fake/b.mp4"], in: "D")
        try data.write("path,label,split\nreal/a.mp4,real,train\nreal/./a.mp4,fake,test\nreal//a.mp4,real,val\n",
                       to: "labels.csv", in: "D")
        let conflict = #expect(throws: DatasetError.self) { try data.list("D") }
        let text = conflict?.description ?? ""
        for part in ["labels.csv:3", "'real/./a.mp4'", "line 2 ('real/a.mp4')", "label (fake vs real)", "split (test vs train)"] {
            #expect(text.contains(part), "'\(part)' missing from \(text)")
        }

        // An identical duplicate is an error too: the same video would be cached and counted twice.
        try data.write("path,label\nreal/a.mp4,real\nfake/b.mp4,fake\nreal//a.mp4,real\n", to: "labels.csv", in: "D")
        let identical = #expect(throws: DatasetError.self) { try data.list("D") }
        #expect(identical?.description.contains("labels.csv:4: 'real//a.mp4' is the file of line 2 ('real/a.mp4') listed again") == true)
    }

    @Test func listedPathsAreNormalisedAndMayNotClimbOut() throws {
        try data.touch(["real/a.mp4", "fake/b.mp4"], in: "D")
        try data.write("path,label\nreal/sub/../a.mp4,0\n./fake//b.mp4,1\n", to: "labels.csv", in: "D")
        #expect(try data.list("D").videos.map(\.relativePath) == ["fake/b.mp4", "real/a.mp4"])

        for escaping in ["../D/real/a.mp4", "real/../../D/real/a.mp4", "/etc/passwd"] {
            try data.write("path,label\n\(escaping),0\n", to: "labels.csv", in: "D")
            let error = #expect(throws: DatasetError.self) { try data.list("D") }
            #expect(error?.description.contains("labels.csv:2: path '\(escaping)' must be relative to the dataset folder and stay inside it") == true)
        }
    }

    @Test func aLinkedFolderOutsideTheRootIsNotFollowedAndNamed() throws {
        try data.touch(["real/a.mp4", "fake/b.mp4", "extra/c.mp4"], in: "D")
        try data.touch("e.mp4", in: "Outside")
        try link("fake/outside", to: data.dataDir.appendingPathComponent("Outside").path)
        try link("fake/inside", to: "../extra")
        let listing = try data.list("D")
        #expect(listing.videos.map(\.relativePath) == ["fake/b.mp4", "fake/inside/c.mp4", "real/a.mp4"])
        #expect(listing.warnings.contains { $0.contains("fake/outside/ is a symbolic link to") && $0.contains("not followed") })
        #expect(listing.skipped == [SkippedFile(path: "fake/outside/", reason: "symbolic link to a folder outside the dataset root")])
        #expect(listing.skippedSummary == "skipped 1 file: fake/outside/ (symbolic link to a folder outside the dataset root)")
    }

    @Test func aListedPathThroughALinkedFolderOutsideIsRefused() throws {
        try data.touch(["real/a.mp4", "fake/b.mp4"], in: "D")
        try data.touch("e.mp4", in: "Outside")
        try link("fake/outside", to: data.dataDir.appendingPathComponent("Outside").path)
        try data.write("path,label\nreal/a.mp4,0\nfake/outside/e.mp4,1\n", to: "labels.csv", in: "D")
        let error = #expect(throws: DatasetError.self) { try data.list("D") }
        #expect(error?.description.contains("labels.csv:3: path 'fake/outside/e.mp4' goes through a linked folder that leads outside the dataset folder") == true,
                "\(String(describing: error))")
        // A linked folder that stays inside is fine.
        try data.touch("extra/c.mp4", in: "D")
        try link("fake/inside", to: "../extra")
        try data.write("path,label\nreal/a.mp4,0\nfake/inside/c.mp4,1\n", to: "labels.csv", in: "D")
        #expect(try data.list("D").videos.map(\.relativePath) == ["fake/inside/c.mp4", "real/a.mp4"])
    }

    @Test func aLinkedFileIsKeptWithItsTargetsSizeAndTime() throws {
        try data.touch("fake/b.mp4", in: "D")
        try data.write(String(repeating: "x", count: 5000), to: "store/clip.mp4", in: "D")
        try link("real/a.mp4", to: "../store/clip.mp4")
        let target = root.appendingPathComponent("store/clip.mp4")
        let first = try #require(try data.list("D").video("real/a.mp4"))
        #expect(first.bytes == 5000)

        // The target changes: the listing must see it, or the cache would never extract it again.
        try Data(String(repeating: "y", count: 7000).utf8).write(to: target)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_800_000_000)], ofItemAtPath: target.path)
        let second = try #require(try data.list("D").video("real/a.mp4"))
        #expect(second.bytes == 7000)
        #expect(second.modificationTime == 1_800_000_000)
    }

    @Test func aFileListedTwiceThroughALinkIsRefused() throws {
        try data.touch(["real/a.mp4", "fake/b.mp4"], in: "D")
        try link("fake/copy.mp4", to: "../real/a.mp4")
        let error = #expect(throws: DatasetError.self) { try data.list("D") }
        #expect(error?.description.contains("fake/copy.mp4 and real/a.mp4 resolve to the same file") == true)
    }

    @Test func brokenLinksAndNonUTF8NamesAreCountedAndNamed() throws {
        try data.touch(["real/a.mp4", "fake/b.mp4"], in: "D")
        try link("real/dead.mp4", to: "../nowhere.mp4")
        // "f\u{FF}.mp4" as raw bytes: not UTF-8, so Foundation cannot even name it.
        var name = Array(root.appendingPathComponent("fake").path.utf8) + Array("/f".utf8) + [0xFF] + Array(".mp4".utf8) + [0]
        let descriptor = name.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_CREAT | O_WRONLY, 0o644) }
        }
        try #require(descriptor >= 0, "the file system refused a non-UTF-8 name")
        close(descriptor)
        let listing = try data.list("D")
        #expect(listing.videos.map(\.relativePath) == ["fake/b.mp4", "real/a.mp4"])
        #expect(listing.skipped == [SkippedFile(path: "real/dead.mp4", reason: "broken symbolic link"),
                                    SkippedFile(path: "fake/f\u{FFFD}.mp4", reason: "file name is not valid UTF-8: rename it")])
        #expect(listing.skippedSummary == "skipped 2 files: real/dead.mp4 (broken symbolic link); fake/f\u{FFFD}.mp4 (file name is not valid UTF-8: rename it)")
    }
}
